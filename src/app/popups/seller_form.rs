//! The seller view's forms, one popup over it: a new product, a new
//! price, a settlement (bank account and amount, then the estimated fee
//! and net to confirm with y), and the replay of an unclear settlement
//! (nothing to type: its journaled request, to confirm). Tab moves between
//! fields; Enter checks them with `domain::seller`'s rules (the CLI's) and
//! sends, or for money asks first; Esc closes with nothing sent.

use crate::app::views::seller::SellerCall;
use crate::app::keymap::Cmd;
use crate::app::popups::deposit_form::amount_of;
use crate::app::popups::Popup;
use crate::app::{App, Effect, Level};
use crate::domain::seller::SettlementRow;
use crate::domain::seller::*;
use crate::money::Rupiah;
use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

#[derive(Debug, Clone, PartialEq)]
pub enum FormKind {
    AddProduct,
    Reprice {
        code: String,
        price: Rupiah,
    },
    /// The ref_id is made when the form opens: a confirmed request keeps
    /// it in the journal, so a replay cannot withdraw twice.
    Settle {
        ref_id: String,
    },
    Replay(Box<SettlementRow>),
}

#[derive(Debug, Clone)]
pub struct SellerForm {
    pub account: String,
    pub kind: FormKind,
    pub fields: Vec<(&'static str, Input)>,
    pub field: usize,
    pub error: Option<String>,
    /// Checked and waiting for y: what will be sent, in words.
    pub confirm: Option<String>,
}

impl SellerForm {
    pub fn title(&self) -> String {
        match &self.kind {
            FormKind::AddProduct => "New product".into(),
            FormKind::Reprice { code, .. } => format!("New price of {code}"),
            FormKind::Settle { .. } => "Settlement (withdrawal)".into(),
            FormKind::Replay(r) => format!("Send settlement {} again", r.ref_id),
        }
    }

    /// Typing goes into the fields until the form asks to confirm.
    pub fn takes_text(&self) -> bool {
        self.confirm.is_none() && !self.fields.is_empty()
    }

    fn value(&self, label: &str) -> String {
        self.fields
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, i)| i.value().trim().to_string())
            .unwrap_or_default()
    }

    fn amount(&self, label: &str) -> Result<Rupiah, String> {
        self.fields
            .iter()
            .find(|(l, _)| *l == label)
            .and_then(|(_, i)| amount_of(i))
            .map(Rupiah)
            .ok_or_else(|| format!("type the {} in whole rupiah", label.to_lowercase()))
    }
}

fn empty(labels: &[&'static str]) -> Vec<(&'static str, Input)> {
    labels.iter().map(|l| (*l, Input::default())).collect()
}

pub fn open(app: &mut App, account: &str, kind: FormKind) -> Vec<Effect> {
    let (fields, confirm) = match &kind {
        FormKind::AddProduct => {
            let mut f = empty(&[
                "Code",
                "Name",
                "Category",
                "Subcategory",
                "Operator",
                "Price",
            ]);
            f[2].1 = Input::new("prabayar".into());
            (f, None)
        }
        FormKind::Reprice { price, .. } => (vec![("Price", Input::new(price.0.to_string()))], None),
        FormKind::Settle { .. } => (
            empty(&["Amount", "Bank code", "Account number", "Account name"]),
            None,
        ),
        FormKind::Replay(row) => (Vec::new(), Some(settlement_summary(&row.request()))),
    };
    app.open(Popup::SellerForm(Box::new(SellerForm {
        account: account.to_string(),
        kind,
        fields,
        field: 0,
        error: None,
        confirm,
    })));
    Vec::new()
}

fn top(app: &mut App) -> Option<&mut SellerForm> {
    match app.view.popups.last_mut() {
        Some(Popup::SellerForm(f)) => Some(f),
        _ => None,
    }
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>, k: KeyEvent) -> Vec<Effect> {
    let Some(f) = top(app) else {
        return Vec::new();
    };
    match cmd {
        // Back to the fields from the confirmation (a replay has none).
        Some(Cmd::NextField) if f.confirm.is_some() && !f.fields.is_empty() => {
            f.confirm = None;
            Vec::new()
        }
        Some(Cmd::NextField) => {
            f.field = (f.field + 1) % f.fields.len().max(1);
            Vec::new()
        }
        Some(Cmd::Confirm) => submit(app),
        Some(_) => Vec::new(),
        None => {
            if f.confirm.is_none() {
                if let Some((_, input)) = f.fields.get_mut(f.field) {
                    input.handle_event(&Event::Key(k));
                    f.error = None;
                }
            }
            Vec::new()
        }
    }
}

/// What the fields ask for, checked; the error says what is wrong.
fn request_of(f: &SellerForm) -> Result<SellerCall, String> {
    Ok(match &f.kind {
        FormKind::AddProduct => {
            let d = ProductDraft::typed(
                &f.value("Code"),
                &f.value("Name"),
                &f.value("Category"),
                &f.value("Subcategory"),
                Some(f.value("Operator")).filter(|o| !o.is_empty()),
                f.amount("Price")?,
                true,
            );
            check_draft(&d)?;
            SellerCall::AddProduct(d)
        }
        FormKind::Reprice { code, .. } => {
            let patch = ProductPatch {
                price: Some(f.amount("Price")?),
                ..Default::default()
            };
            check_patch(code, &patch)?;
            SellerCall::SetProduct {
                code: code.clone(),
                patch,
            }
        }
        FormKind::Settle { ref_id } => {
            let r = SettlementRequest {
                amount: f.amount("Amount")?,
                bank: BankAccount::typed(
                    &f.value("Bank code"),
                    &f.value("Account number"),
                    &f.value("Account name"),
                ),
                ref_id: ref_id.clone(),
            };
            check_settlement(&r)?;
            SellerCall::Settle(r)
        }
        FormKind::Replay(row) => SellerCall::Resume {
            ref_id: row.ref_id.clone(),
        },
    })
}

/// Enter: checks; a product change is sent at once, a settlement first
/// shows what it will withdraw and is sent on the second Enter (or y).
fn submit(app: &mut App) -> Vec<Effect> {
    let Some(f) = top(app) else {
        return Vec::new();
    };
    let call = match request_of(f) {
        Ok(c) => c,
        Err(why) => {
            f.error = Some(format!("Not sent: {why}"));
            f.confirm = None;
            return Vec::new();
        }
    };
    if let (SellerCall::Settle(r), None) = (&call, &f.confirm) {
        f.confirm = Some(settlement_summary(r));
        return Vec::new();
    }
    let account = f.account.clone();
    app.close_top();
    let said = match &call {
        SellerCall::AddProduct(d) => format!("Adding {}…", d.code),
        SellerCall::SetProduct { code, .. } => {
            mark_saving(app, &account, code);
            format!("Saving the price of {code}…")
        }
        SellerCall::Settle(r) => format!("Settlement {} of {} sent…", r.ref_id, r.amount),
        SellerCall::Resume { ref_id } => format!("Settlement {ref_id} sent again…"),
        _ => String::new(),
    };
    app.set_status(said, Level::Info);
    vec![Effect::Seller { account, call }]
}

fn mark_saving(app: &mut App, account: &str, code: &str) {
    if let Some(v) = crate::app::views::seller::view_of(app, account) {
        v.saving.push(code.to_string());
    }
}

impl crate::app::popups::PopupState for SellerForm {
    fn takes_text(&self) -> bool {
        SellerForm::takes_text(self)
    }

    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        on_key(app, cmd, k)
    }
}
