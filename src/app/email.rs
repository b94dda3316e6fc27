//! Email orders (OTPZap Server 3) in the dashboard: which order operations
//! make sense when (cancel only before a message, finish and reorder only
//! after one), the refund a cancel would give, and the message timeline
//! popup's loading. Everything else (rows, `n`, `c`, the countdown, the
//! poller) is the ordinary order machinery.

use super::popups::Popup;
use super::{App, Effect, Level};
use crate::app::popups::EmailDetail;
use crate::domain::email::{is_email_offer, refund_after_fee, EmailSpec};
use crate::domain::{EmailMessage, Order, OrderOp};
use crate::money::Rupiah;

pub fn is_email(o: &Order) -> bool {
    is_email_offer(&o.offer_id)
}

/// Whether a message has arrived (every message leaves a code or headline).
fn has_mail(o: &Order) -> bool {
    !o.otps.is_empty()
}

/// Why `op` cannot be done on email order `o` now; None: it can.
pub fn refuse(o: &Order, op: OrderOp) -> Option<String> {
    let id = o.id;
    match op {
        OrderOp::Cancel if has_mail(o) => Some(format!(
            "#{id}: a message has arrived, so it cannot be cancelled; finish it (f)"
        )),
        OrderOp::Finish if !has_mail(o) => Some(format!(
            "#{id}: no message yet; finish comes after one (cancel with x)"
        )),
        OrderOp::Resend if !has_mail(o) => Some(format!(
            "#{id}: reorder asks for another message once one has arrived"
        )),
        OrderOp::Replace => Some(format!("#{id}: email orders cannot be replaced")),
        _ => None,
    }
}

/// What a cancel now would refund: the price less the previewed fee.
pub fn cancel_refund(o: &Order) -> (Rupiah, Option<Rupiah>) {
    let fee = EmailSpec::parse(&o.offer_id).and_then(|s| s.fee());
    (refund_after_fee(o.price, fee), fee)
}

impl App {
    /// `m`: the selected email order's message timeline.
    pub(super) fn open_email_detail(&mut self, o: Option<(i64, bool)>) -> Vec<Effect> {
        match o {
            Some((order_id, true)) => {
                self.open(Popup::EmailDetail(EmailDetail {
                    order_id,
                    messages: None,
                    first: 0,
                }));
                vec![Effect::LoadEmailMessages { order_id }]
            }
            Some((id, false)) => {
                self.set_status(format!("#{id} is not an email order"), Level::Warn);
                Vec::new()
            }
            None => {
                self.set_status("Select an email order first", Level::Warn);
                Vec::new()
            }
        }
    }

    /// The journal's messages for an open timeline.
    pub(super) fn on_email_messages(
        &mut self,
        id: i64,
        result: Result<Vec<EmailMessage>, String>,
    ) -> Vec<Effect> {
        for p in self.view.popups.iter_mut() {
            if let Popup::EmailDetail(d) = p {
                if d.order_id == id {
                    crate::app::popups::email_detail::loaded(d, result.clone());
                }
            }
        }
        Vec::new()
    }

    /// An order changed: an open timeline of it reloads.
    pub(super) fn email_detail_reload(&self, id: i64) -> Option<Effect> {
        self.view
            .popups
            .iter()
            .any(|p| matches!(p, Popup::EmailDetail(EmailDetail { order_id, .. }) if *order_id == id))
            .then_some(Effect::LoadEmailMessages { order_id: id })
    }
}

impl super::book::Book {
    /// The status line of an auto-cancel: an email inbox names its refund
    /// after the fee, since the cancel is not free there.
    pub(crate) fn auto_cancel_text(&self, id: i64) -> String {
        match self.orders.get(&id).filter(|o| is_email(o)) {
            Some(o) => match cancel_refund(o) {
                (back, Some(fee)) => format!(
                    "Email #{id} got no message before its window ends: cancelling, {back} back after the {fee} fee"
                ),
                (_, None) => format!(
                    "Email #{id} got no message before its window ends: cancelling (the refund may be less a fee)"
                ),
            },
            None => format!("Order #{id} got no SMS before expiry: cancelling for a refund"),
        }
    }
}
