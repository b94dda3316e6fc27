//! The deposit QR popup.

#[derive(Debug, Clone)]
pub struct DepositQr {
    pub id: i64,
}
