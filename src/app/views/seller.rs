//! The seller view (`:seller [ACCOUNT]`) of a GoTopUp account with
//! `role = "seller"`, in three tabs (Tab moves between them):
//! - Products: the seller's own list; `a` adds one, `p` reprices the
//!   picked one, `t` switches it active/inactive.
//! - Sales: a page of the seller's transactions, `f` the next status
//!   filter, `c` copies the picked sale's SN; a page down from the last
//!   row loads the next page, a page up from the first the previous one.
//! - Settlements: the journal's, newest first; `s` requests one (a form,
//!   then the estimated fee and net to confirm), `r` replays an UNCLEAR
//!   one with its own ref_id, amount and bank (asked first).
//!
//! `g` reloads the tab. Every call is an `Effect::Seller` carried out by
//! the runtime; values are checked by `domain::seller` (the CLI's rules)
//! before anything is sent. The forms are in `seller_form.rs`.

use crate::app::popups::seller_form::{self, FormKind};
use crate::app::keymap::Cmd;
use crate::app::popups::{list_move, Popup};
use crate::app::{App, Effect, Level};
use crate::domain::seller::SettlementRow;
use crate::domain::seller::*;
use crate::domain::seller::{replayable, SettleOutcome};

/// What the seller view asks of the runtime (one account's seller key).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum SellerCall {
    Products,
    AddProduct(ProductDraft),
    SetProduct {
        code: String,
        patch: ProductPatch,
    },
    Sales(SalesQuery),
    /// The journal's settlements of the account.
    Settlements,
    /// Journaled before and after (engine::seller), like the CLI's.
    Settle(SettlementRequest),
    /// A journaled settlement whose reply was unclear, sent again as it was.
    Resume {
        ref_id: String,
    },
}

/// What came back, for the view (or the status bar once it is closed).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum SellerReply {
    Products(Result<Vec<SellerProduct>, String>),
    ProductSaved {
        code: String,
        result: Result<SellerProduct, String>,
    },
    Sales {
        query: SalesQuery,
        result: Result<SellerSalesPage, String>,
    },
    Settlements(Result<Vec<SettlementRow>, String>),
    Settled(Result<SettleOutcome, String>),
    /// A settlement's end, pushed by GoTopUp (already in the journal).
    SettlementChanged(SettlementRow),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Products,
    Sales,
    Settlements,
}

impl Tab {
    pub const ALL: [Tab; 3] = [Tab::Products, Tab::Sales, Tab::Settlements];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Products => "Products",
            Tab::Sales => "Sales",
            Tab::Settlements => "Settlements",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A page of sales, as the API is asked for it.
pub const SALES_PAGE: u32 = 20;

#[derive(Debug, Clone)]
pub struct SellerView {
    pub account: String,
    pub tab: Tab,
    /// None while asked.
    pub products: Option<Result<Vec<SellerProduct>, String>>,
    pub sales_query: SalesQuery,
    pub sales: Option<Result<SellerSalesPage, String>>,
    pub settlements: Option<Result<Vec<SettlementRow>, String>>,
    /// The picked row of each tab.
    pub selected: [usize; 3],
    /// Product codes with a change out: a second one waits for the reply.
    pub saving: Vec<String>,
    /// The sales page being loaded is the one before: its last row is
    /// picked when it comes, so a page up goes on from where it was.
    pub sales_land_at_end: bool,
}

impl SellerView {
    pub fn rows(&self, tab: Tab) -> usize {
        match tab {
            Tab::Products => self.product_list().len(),
            Tab::Sales => match &self.sales {
                Some(Ok(p)) => p.transactions.len(),
                _ => 0,
            },
            Tab::Settlements => self.settlement_list().len(),
        }
    }

    pub fn product_list(&self) -> &[SellerProduct] {
        match &self.products {
            Some(Ok(l)) => l,
            _ => &[],
        }
    }

    pub fn settlement_list(&self) -> &[SettlementRow] {
        match &self.settlements {
            Some(Ok(l)) => l,
            _ => &[],
        }
    }

    pub fn picked(&self, tab: Tab) -> usize {
        self.selected[tab.index()]
    }

    fn picked_product(&self) -> Option<&SellerProduct> {
        self.product_list().get(self.picked(Tab::Products))
    }

    /// How many rows of the tab shown fit in a view `view_h` rows high:
    /// what the tabs, the keys line, the header, the borders and (with no
    /// rows) the line saying why leave.
    pub fn rows_shown(&self, view_h: u16) -> usize {
        let note = usize::from(self.rows(self.tab) == 0);
        (view_h as usize).saturating_sub(5 + note).max(1)
    }
}

/// The seller account a view is about: the named one, else the one shown,
/// else the first.
fn seller_account(app: &App, name: Option<&str>) -> Option<String> {
    let seller = |a: &&crate::app::AccountState| a.info.seller;
    match name {
        Some(n) => app
            .accounts
            .iter()
            .filter(seller)
            .find(|a| a.info.name.eq_ignore_ascii_case(n)),
        None => super::history::shown_or_first(app, seller),
    }
    .map(|a| a.info.name.clone())
}

fn call(account: &str, call: SellerCall) -> Effect {
    Effect::Seller {
        account: account.to_string(),
        call,
    }
}

/// `:seller [ACCOUNT]`: the view, every tab asked at once.
pub fn open(app: &mut App, name: Option<&str>) -> Vec<Effect> {
    let Some(account) = seller_account(app, name) else {
        let why = match name {
            Some(n) => format!("No seller account named '{n}' (role = \"seller\")"),
            None => "The seller view needs a GoTopUp account with role = \"seller\"".into(),
        };
        app.set_status(why, Level::Warn);
        return Vec::new();
    };
    let sales_query = SalesQuery {
        page: 1,
        limit: SALES_PAGE,
        ..Default::default()
    };
    app.open(Popup::Seller(Box::new(SellerView {
        account: account.clone(),
        tab: Tab::Products,
        products: None,
        sales_query: sales_query.clone(),
        sales: None,
        settlements: None,
        selected: [0; 3],
        saving: Vec::new(),
        sales_land_at_end: false,
    })));
    vec![
        call(&account, SellerCall::Products),
        call(&account, SellerCall::Sales(sales_query)),
        call(&account, SellerCall::Settlements),
    ]
}

/// Whether a seller-view key does something on the tab shown, for the
/// hints (`c` copies a sale's SN on Sales only; `p`/`t` work on
/// Products, `f` on Sales, `r` on Settlements; `a` and `s` from any tab).
/// None when the seller view is not on top.
pub fn applies(app: &App, cmd: Cmd) -> Option<bool> {
    let Some(Popup::Seller(v)) = app.view.popups.last() else {
        return None;
    };
    Some(match cmd {
        Cmd::CopyOtp | Cmd::SellerFilter => v.tab == Tab::Sales,
        Cmd::SellerPrice | Cmd::SellerToggle => v.tab == Tab::Products,
        Cmd::SellerReplay => v.tab == Tab::Settlements,
        _ => true,
    })
}

fn top(app: &mut App) -> Option<&mut SellerView> {
    match app.view.popups.last_mut() {
        Some(Popup::Seller(v)) => Some(v),
        _ => None,
    }
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    let view_h = crate::app::layout::above_status(app.view.area(), app.accounts.len()).height;
    let Some(v) = top(app) else {
        return Vec::new();
    };
    let tab = v.tab;
    let (picked, rows) = (v.picked(tab), v.rows(tab));
    match cmd {
        Some(Cmd::NextTab) => {
            v.tab = Tab::ALL[(tab.index() + 1) % Tab::ALL.len()];
            Vec::new()
        }
        // On the sales, a page down from the last row is the next page,
        // a page up from the first the previous one.
        Some(Cmd::ListPageDown) if tab == Tab::Sales && picked + 1 >= rows => {
            sales_page(app, true)
        }
        Some(Cmd::ListPageUp) if tab == Tab::Sales && picked == 0 => sales_page(app, false),
        Some(
            Cmd::Up
            | Cmd::Down
            | Cmd::ListTop
            | Cmd::ListBottom
            | Cmd::ListPageDown
            | Cmd::ListPageUp,
        ) => {
            let page = v.rows_shown(view_h);
            if let Some(to) = list_move(cmd, picked, rows, page) {
                v.selected[tab.index()] = to;
            }
            Vec::new()
        }
        Some(Cmd::Refresh) => reload(v, tab),
        Some(Cmd::SellerAdd) => {
            v.tab = Tab::Products;
            let account = v.account.clone();
            seller_form::open(app, &account, FormKind::AddProduct)
        }
        Some(Cmd::SellerPrice) => match v.picked_product().filter(|_| tab == Tab::Products) {
            Some(p) => {
                let (account, kind) = (
                    v.account.clone(),
                    FormKind::Reprice {
                        code: p.code.clone(),
                        price: p.price,
                    },
                );
                seller_form::open(app, &account, kind)
            }
            None => pick_first(app, "a product to reprice"),
        },
        Some(Cmd::SellerToggle) => toggle(app),
        Some(Cmd::SellerSettle) => {
            v.tab = Tab::Settlements;
            let account = v.account.clone();
            let ref_id = app.next_key(app.now);
            seller_form::open(app, &account, FormKind::Settle { ref_id })
        }
        Some(Cmd::SellerReplay) => replay(app),
        Some(Cmd::SellerFilter) if tab == Tab::Sales => {
            let next = match v.sales_query.status.as_deref() {
                None => Some(SALE_STATUSES[0]),
                Some(s) => SALE_STATUSES
                    .iter()
                    .position(|x| *x == s)
                    .and_then(|i| SALE_STATUSES.get(i + 1))
                    .copied(),
            };
            let q = SalesQuery {
                status: next.map(str::to_string),
                page: 1,
                ..v.sales_query.clone()
            };
            load_sales(v, q)
        }
        Some(Cmd::CopyOtp) if tab == Tab::Sales => copy_sn(app),
        _ => Vec::new(),
    }
}

/// The next (or previous) page of sales, or why not. The previous one
/// comes with its last row picked.
fn sales_page(app: &mut App, next: bool) -> Vec<Effect> {
    let Some(v) = top(app) else {
        return Vec::new();
    };
    let page = v.sales_query.page;
    let last = match &v.sales {
        Some(Ok(p)) => p.total_pages.max(1),
        _ => page,
    };
    let to = if next { page + 1 } else { page.saturating_sub(1) };
    if to == 0 || to > last {
        let why = if to == 0 {
            "Page 1 is the first".to_string()
        } else {
            format!("Page {page} is the last")
        };
        app.set_status(why, Level::Info);
        return Vec::new();
    }
    let q = SalesQuery {
        page: to,
        ..v.sales_query.clone()
    };
    let fx = load_sales(v, q);
    v.sales_land_at_end = !next;
    fx
}

fn pick_first(app: &mut App, what: &str) -> Vec<Effect> {
    app.set_status(
        format!("Pick {what} on the Products tab first"),
        Level::Warn,
    );
    Vec::new()
}

fn reload(v: &mut SellerView, tab: Tab) -> Vec<Effect> {
    let c = match tab {
        Tab::Products => {
            v.products = None;
            SellerCall::Products
        }
        Tab::Sales => return load_sales(v, v.sales_query.clone()),
        Tab::Settlements => {
            v.settlements = None;
            SellerCall::Settlements
        }
    };
    vec![call(&v.account, c)]
}

fn load_sales(v: &mut SellerView, q: SalesQuery) -> Vec<Effect> {
    v.sales = None;
    v.sales_query = q.clone();
    v.selected[Tab::Sales.index()] = 0;
    v.sales_land_at_end = false;
    vec![call(&v.account, SellerCall::Sales(q))]
}

/// `t`: the picked product active ↔ inactive (maintenance → active).
fn toggle(app: &mut App) -> Vec<Effect> {
    let Some(v) = top(app) else {
        return Vec::new();
    };
    let Some(p) = v.picked_product().filter(|_| v.tab == Tab::Products) else {
        return pick_first(app, "a product to switch");
    };
    let code = p.code.clone();
    if v.saving.contains(&code) {
        app.set_status(format!("{code}: the last change is still out"), Level::Info);
        return Vec::new();
    }
    let status = if p.status == "active" {
        "inactive"
    } else {
        "active"
    };
    let patch = ProductPatch {
        status: Some(status.into()),
        ..Default::default()
    };
    v.saving.push(code.clone());
    let account = v.account.clone();
    app.set_status(format!("Switching {code} to {status}…"), Level::Info);
    vec![call(&account, SellerCall::SetProduct { code, patch })]
}

/// `r` on a settlement whose reply was unclear: asks before sending it
/// again with the journaled ref_id, amount and bank.
fn replay(app: &mut App) -> Vec<Effect> {
    let Some(v) = top(app) else {
        return Vec::new();
    };
    if v.tab != Tab::Settlements {
        app.set_status(
            "Sending again is for a settlement that never left: Tab to Settlements",
            Level::Info,
        );
        return Vec::new();
    }
    let Some(row) = v.settlement_list().get(v.picked(Tab::Settlements)).cloned() else {
        app.set_status("No settlement picked", Level::Warn);
        return Vec::new();
    };
    if !replayable(&row.status) {
        app.set_status(
            format!(
                "Settlement {} is {}: only one whose request never left is sent again",
                row.ref_id, row.status
            ),
            Level::Info,
        );
        return Vec::new();
    }
    let account = v.account.clone();
    seller_form::open(app, &account, FormKind::Replay(Box::new(row)))
}

fn copy_sn(app: &mut App) -> Vec<Effect> {
    let Some(v) = top(app) else {
        return Vec::new();
    };
    let sale = match &v.sales {
        Some(Ok(p)) => p.transactions.get(v.picked(Tab::Sales)),
        _ => None,
    };
    match sale.and_then(|s| s.sn.clone().filter(|sn| !sn.is_empty())) {
        Some(text) => vec![Effect::Copy {
            text,
            what: "SN".into(),
        }],
        None => {
            app.set_status("No SN on the picked sale", Level::Warn);
            Vec::new()
        }
    }
}

/// The seller view of `account`, wherever it is on the stack.
pub(crate) fn view_of<'a>(app: &'a mut App, account: &str) -> Option<&'a mut SellerView> {
    app.view.popups.iter_mut().rev().find_map(|p| match p {
        Popup::Seller(v) if v.account == account => Some(&mut **v),
        _ => None,
    })
}

/// A reply from the runtime. A settlement's outcome is said in the status
/// bar whether or not the view is still open.
pub fn on_reply(app: &mut App, account: &str, reply: SellerReply) {
    match reply {
        SellerReply::Settled(result) => return settled(app, account, result),
        SellerReply::SettlementChanged(r) => {
            let level = if r.status == "failed" {
                Level::Warn
            } else {
                Level::Info
            };
            app.set_status(
                format!(
                    "{account}: settlement {} {}{}",
                    r.settlement_id.as_deref().unwrap_or(&r.ref_id),
                    r.status,
                    r.net_amount
                        .map(|n| format!(": {n} to the bank"))
                        .unwrap_or_default()
                ),
                level,
            );
            return upsert_settlement(app, account, r);
        }
        SellerReply::ProductSaved { code, result } => {
            let text = match &result {
                Ok(p) => (
                    format!("{account}: {} saved, {} {}", p.code, p.price, p.status),
                    Level::Info,
                ),
                Err(e) => (format!("{account}: {code} not saved: {e}"), Level::Error),
            };
            app.set_status(text.0, text.1);
            if let Some(v) = view_of(app, account) {
                v.saving.retain(|c| *c != code);
                if let (Ok(p), Some(Ok(list))) = (result, v.products.as_mut()) {
                    merge(list, p);
                }
            }
            return;
        }
        _ => {}
    }
    let Some(v) = view_of(app, account) else {
        return;
    };
    match reply {
        SellerReply::Products(r) => v.products = Some(r),
        SellerReply::Sales { query, result } if query == v.sales_query => {
            v.sales = Some(result);
            if std::mem::take(&mut v.sales_land_at_end) {
                // The last row: kept within the rows just below.
                v.selected[Tab::Sales.index()] = usize::MAX;
            }
        }
        SellerReply::Settlements(r) => v.settlements = Some(r),
        _ => {}
    }
    for tab in Tab::ALL {
        let last = v.rows(tab).saturating_sub(1);
        let s = &mut v.selected[tab.index()];
        *s = (*s).min(last);
    }
}

/// A saved product into the list: the PUT reply has no category or
/// operator (as in the doc's example), so those are kept.
fn merge(list: &mut Vec<SellerProduct>, p: SellerProduct) {
    match list.iter_mut().find(|x| x.code == p.code) {
        Some(old) => {
            old.name = p.name;
            old.price = p.price;
            old.status = p.status;
            old.category = p.category.or(old.category.take());
            old.subcategory = p.subcategory.or(old.subcategory.take());
            old.operator = p.operator.or(old.operator.take());
        }
        None => list.push(p),
    }
}

fn settled(app: &mut App, account: &str, result: Result<SettleOutcome, String>) {
    let outcome = match result {
        Ok(o) => o,
        Err(e) => return app.set_status(format!("{account}: settlement: {e}"), Level::Error),
    };
    let r = outcome.row().clone();
    let fee = |v: Option<crate::money::Rupiah>| v.map_or("not said".into(), |m| m.to_string());
    let (text, level) = match &outcome {
        SettleOutcome::Sent(_) => (
            format!(
                "Settlement {} requested: {}, fee {}, net {}, {}",
                r.ref_id,
                r.amount,
                fee(r.fee),
                fee(r.net_amount),
                r.status
            ),
            Level::Info,
        ),
        SettleOutcome::Already(_) => (
            format!(
                "Settlement {} was already {} (nothing sent)",
                r.ref_id, r.status
            ),
            Level::Info,
        ),
        SettleOutcome::Unclear(_) => (
            format!(
                "Settlement {} of {}: no clear reply ({}). Kept as UNCLEAR, not failed: it may have gone through; r in the Settlements tab sends it again with the same ref_id",
                r.ref_id,
                r.amount,
                r.note.as_deref().unwrap_or("no reply")
            ),
            Level::Warn,
        ),
        SettleOutcome::Refused(_) => (
            format!(
                "Settlement {} not made: {}",
                r.ref_id,
                r.note.as_deref().unwrap_or("refused")
            ),
            Level::Error,
        ),
    };
    app.set_status(text, level);
    upsert_settlement(app, account, r);
}

/// A settlement as the journal has it now, into the open view's list.
fn upsert_settlement(app: &mut App, account: &str, r: SettlementRow) {
    if let Some(Ok(list)) = view_of(app, account).and_then(|v| v.settlements.as_mut()) {
        match list.iter_mut().find(|x| x.ref_id == r.ref_id) {
            Some(old) => *old = r,
            None => list.insert(0, r),
        }
    }
}

impl crate::app::popups::PopupState for SellerView {
    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        let _ = k;
        on_key(app, cmd)
    }
}
