//! No value is ever cut: every kind of row (an SMS order, an email inbox,
//! a top-up with a 20-digit token, a bill, a deposit, a settlement and a
//! sale, an UNKNOWN order, a GoTopUp history row) drawn by the real
//! `ui::draw` on ratatui's TestBackend at 80 and 140 columns, and each of
//! its values (code, token, number, address, amount, id, ref_id) found
//! whole in the pane or view that shows it. A value is looked for in its
//! own pane or box only, never in the header or the status line, which
//! may repeat it.

use crate::common;

use common::*;
use otpdeck::app::views::seller::SellerReply;
use otpdeck::app::{AccountInfo, Action, App, AppSettings, BookAction, Pane};
use otpdeck::domain::history::{HistoryPage, HistoryQuery};
use otpdeck::domain::seller::{
    BankAccount, SalesQuery, SellerSale, SellerSalesPage, SettlementRow,
};
use otpdeck::domain::*;
use otpdeck::money::Rupiah;
use ratatui::layout::Rect;

const WIDTHS: [(u16, u16); 2] = [(80, 24), (140, 40)];

const ADDRESS: &str = "verify.kirana.2026@inbox-kitten.example";
const TOKEN: &str = "3094-6595-8929-7969-2937";
const BILL_SN: &str = "0BKP2611230007812345";
const BILL_TOTAL: &str = "Rp 1.234.567";
const AT_RISK: &str = "Rp 1.250.000";
const HISTORY_REF: &str = "otpdeck-20261123-0900-4f0c9e2a17b3d5";
const HISTORY_SN: &str = "5512-3456-7890-1234-5678";
const SETTLE_REF: &str = "otpdeck-settle-20261123-7f3a9c0d1e2b";
const SALE_REF: &str = "BUYER-REF-20261123-0000000000000042";

/// The screen's rows as drawn (each cell's symbol), untrimmed.
fn drawn(app: &mut App, w: u16, h: u16) -> Vec<String> {
    screen(app, w, h).lines().map(str::to_string).collect()
}

/// The text inside `r` (its border left out), one line per row.
fn inside(rows: &[String], r: Rect) -> String {
    (r.y + 1..r.y + r.height - 1)
        .map(|y| {
            rows[y as usize]
                .chars()
                .skip(r.x as usize + 1)
                .take(r.width as usize - 2)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn pane(app: &App, rows: &[String], p: Pane, (w, h): (u16, u16)) -> String {
    let l =
        otpdeck::app::layout::compute(Rect::new(0, 0, w, h), app.accounts.len()).expect("a layout");
    inside(rows, l.pane(p))
}

/// The text inside the box whose top border carries `title`.
fn boxed(rows: &[String], title: &str) -> String {
    let (y, line) = rows
        .iter()
        .enumerate()
        .find(|(_, l)| l.contains(&format!(" {title}")))
        .unwrap_or_else(|| panic!("no box titled {title}:\n{}", rows.join("\n")));
    let chars: Vec<char> = line.chars().collect();
    let at = line[..line.find(&format!(" {title}")).expect("title")]
        .chars()
        .count();
    let x = (0..at)
        .rev()
        .find(|i| matches!(chars[*i], '┌' | '┏'))
        .expect("the box's corner");
    let right = (at..chars.len())
        .find(|i| matches!(chars[*i], '┐' | '┓'))
        .expect("the box's other corner");
    let bottom = (y + 1..rows.len())
        .find(|yy| matches!(rows[*yy].chars().nth(x), Some('└' | '┗')))
        .expect("the box's bottom");
    inside(
        rows,
        Rect::new(
            x as u16,
            y as u16,
            (right - x + 1) as u16,
            (bottom - y + 1) as u16,
        ),
    )
}

fn whole(what: &str, shown: &str, values: &[&str], size: (u16, u16)) {
    for v in values {
        assert!(
            shown.lines().any(|l| l.contains(v)),
            "{}x{}: {what}: {v} is not whole in\n{shown}",
            size.0,
            size.1
        );
    }
}

/// An SMS order, an email inbox, a top-up with its token, a paid bill and
/// an UNKNOWN order, each with its code in the OTP log.
fn orders_app() -> App {
    let mut a = app();
    let mut sms = order(
        11,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::OtpReceived,
        &["482913"],
    );
    sms.number = Some("+6281234567890".into());
    let mut email = order(
        12,
        "zap",
        ProviderKind::OtpZap,
        OrderStatus::OtpReceived,
        &["734105"],
    );
    email.service_id = email::EMAIL_SERVICE_ID.into();
    email.service = "Email OTP".into();
    email.country = Some("openai.com".into());
    email.country_name = Some("openai.com".into());
    email.offer_id = email::EmailSpec {
        site: "openai.com".into(),
        domains: vec!["inbox-kitten.example".into()],
        fee: Some(500),
        ..Default::default()
    }
    .offer_id();
    email.number = Some(ADDRESS.into());
    let mut topup = order(
        13,
        "pulsa",
        ProviderKind::GoTopUp,
        OrderStatus::Finished,
        &[TOKEN],
    );
    topup.service = "PLN Prabayar 20.000".into();
    topup.country = None;
    topup.country_name = None;
    topup.number = Some("12345678901".into());
    topup.sn = Some(TOKEN.into());
    let mut bill = order(
        14,
        "pulsa",
        ProviderKind::GoTopUp,
        OrderStatus::Finished,
        &[BILL_SN],
    );
    bill.service = "PLNPOST BUDI SANTOSO 202611".into();
    bill.service_id = "bill:PLNPOST".into();
    bill.country = None;
    bill.country_name = None;
    bill.number = Some("532100012345".into());
    bill.customer_number = Some("532100012345".into());
    bill.price = Rupiah(1_234_567);
    bill.sn = Some(BILL_SN.into());
    let mut lost = order(15, "gate", ProviderKind::GateOtp, OrderStatus::Unknown, &[]);
    lost.provider_order_id = None;
    lost.price = Rupiah(1_250_000);
    for o in [sms, email, topup, bill, lost] {
        a.update(Action::Book(BookAction::OrderChanged(o)));
    }
    a.view.status = None;
    a
}

#[test]
fn order_rows_and_the_otp_log_keep_every_value_whole() {
    for size in WIDTHS {
        let mut a = orders_app();
        let rows = drawn(&mut a, size.0, size.1);
        let orders = pane(&a, &rows, Pane::Orders, size);
        whole(
            "SMS order",
            &orders,
            &["#11", "482913", "+6281234567890"],
            size,
        );
        whole("email inbox", &orders, &["#12", "734105"], size);
        whole("top-up", &orders, &["#13", TOKEN], size);
        whole("bill", &orders, &["#14", BILL_SN], size);
        whole("UNKNOWN order", &orders, &["#15", AT_RISK], size);
        if size.0 >= 140 {
            // Where the pane has a price column.
            whole("bill", &orders, &[BILL_TOTAL], size);
            // Where the inbox's address fits beside its code at all.
            whole("email inbox", &orders, &[ADDRESS], size);
        }
        let log = pane(&a, &rows, Pane::OtpLog, size);
        whole("SMS code", &log, &["482913", "+6281234567890"], size);
        whole("email code", &log, &["734105", ADDRESS], size);
        whole("token", &log, &[TOKEN, "12345678901"], size);
        whole("bill SN", &log, &[BILL_SN, "532100012345"], size);
    }
}

#[test]
fn the_email_timeline_keeps_the_addresses_whole() {
    for size in WIDTHS {
        let mut a = orders_app();
        a.view.focus = Pane::Orders;
        let row = a
            .visible_orders()
            .iter()
            .position(|o| o.id == 12)
            .expect("the email order's row");
        a.view.selected.insert(Pane::Orders, row);
        keys(&mut a, "m");
        a.update(Action::EmailMessages {
            order_id: 12,
            result: Ok(vec![EmailMessage {
                from: "no-reply.verification@accounts.openai.example".into(),
                subject: "Your OpenAI verification code".into(),
                received_at: Some(t0() + chrono::Duration::seconds(40)),
                preview: "Your verification code is 734105. It expires in 10 minutes. \
                          If you did not ask for it, ignore this message."
                    .into(),
                otp: Some("734105".into()),
            }]),
        });
        let rows = drawn(&mut a, size.0, size.1);
        let popup = boxed(&rows, "Email messages");
        whole(
            "email timeline",
            &popup,
            &[
                ADDRESS,
                "no-reply.verification@accounts.openai.example",
                "734105",
                "#12",
                "Rp 3.300",
            ],
            size,
        );
        assert!(popup.contains("close"), "the keys line is drawn:\n{popup}");
    }
}

fn deposit(id: i64, amount: i64, total: i64, status: DepositStatus) -> Deposit {
    Deposit {
        id,
        account: "gate".into(),
        provider: ProviderKind::GateOtp,
        key: format!("k{id}"),
        provider_id: Some(format!("WN{id}")),
        amount: Rupiah(amount),
        method: DepositMethod::Qris,
        status,
        total: Some(Rupiah(total)),
        fee: Some(Rupiah(total - amount)),
        credited: None,
        payment: Some("00020101021226".into()),
        paid_with: None,
        note: None,
        created_at: t0(),
        updated_at: t0(),
        expires_at: Some(t0() + chrono::Duration::minutes(30)),
        extras: Vec::new(),
    }
}

#[test]
fn the_deposit_list_keeps_its_amounts_apart() {
    for size in WIDTHS {
        let mut a = app();
        a.update(Action::Book(BookAction::DepositsRestored(vec![
            deposit(
                21,
                999_999_999_999,
                1_000_000_000_199,
                DepositStatus::Cancelled,
            ),
            deposit(22, 50_000, 50_200, DepositStatus::Pending),
        ])));
        keys(&mut a, "D");
        let rows = drawn(&mut a, size.0, size.1);
        let list = boxed(&rows, "Deposits");
        let row = list
            .lines()
            .find(|l| l.contains("#21"))
            .unwrap_or_else(|| panic!("no row #21 in\n{list}"));
        // Each amount whole, with room between it and the next cell.
        for v in [
            "Rp 999.999.999.999 ",
            " Rp 1.000.000.000.199 ",
            " cancelled",
        ] {
            assert!(row.contains(v), "{size:?}: {v:?} not apart in {row:?}");
        }
        whole(
            "deposit",
            &list,
            &["#22", "Rp 50.000", "Rp 50.200", "pending"],
            size,
        );
    }
}

fn seller_app() -> App {
    let shop = |name: &str, seller: bool| AccountInfo {
        name: name.into(),
        kind: ProviderKind::GoTopUp,
        caps: Capabilities::default(),
        seller,
    };
    let (mut a, _) = App::new(
        vec![shop("topup", false), shop("shop", true)],
        AppSettings::default(),
        t0(),
    );
    keys(&mut a, ":seller<Enter>");
    a.update(Action::Seller {
        account: "shop".into(),
        reply: SellerReply::Sales {
            query: SalesQuery {
                page: 1,
                limit: otpdeck::app::views::seller::SALES_PAGE,
                ..Default::default()
            },
            result: Ok(SellerSalesPage {
                transactions: vec![SellerSale {
                    ref_id: Some(SALE_REF.into()),
                    transaction_id: Some("TRX-88231".into()),
                    code: Some("PLN20".into()),
                    customer_number: Some("532100012345".into()),
                    price: Some(Rupiah(20_500)),
                    status: "success".into(),
                    sn: Some(TOKEN.into()),
                    timestamp: Some("2026-11-23T09:00:00Z".into()),
                }],
                page: 1,
                total_pages: 1,
                total: Some(1),
            }),
        },
    });
    a.update(Action::Seller {
        account: "shop".into(),
        reply: SellerReply::Settlements(Ok(vec![SettlementRow {
            id: 1,
            account: "shop".into(),
            ref_id: SETTLE_REF.into(),
            amount: Rupiah(250_000_000),
            bank: BankAccount {
                bank_code: "MANDIRI".into(),
                account_number: "1230004567890123".into(),
                account_name: "Toko Maju Jaya".into(),
            },
            settlement_id: Some("STL-20261123-000981".into()),
            fee: Some(Rupiah(2_500_000)),
            net_amount: Some(Rupiah(247_500_000)),
            status: "pending".into(),
            note: Some("transfer is processed within one working day".into()),
            created_at: t0(),
            updated_at: t0(),
        }])),
    });
    a.view.status = None;
    a
}

#[test]
fn the_seller_tables_keep_ids_and_amounts_whole() {
    for size in WIDTHS {
        let mut a = seller_app();
        // Products, then Sales.
        keys(&mut a, "<Tab>");
        let rows = drawn(&mut a, size.0, size.1);
        let view = boxed(&rows, "Seller · shop");
        whole(
            "sale",
            &view,
            &[SALE_REF, "532100012345", "Rp 20.500", TOKEN, "PLN20"],
            size,
        );
        keys(&mut a, "<Tab>");
        let rows = drawn(&mut a, size.0, size.1);
        let view = boxed(&rows, "Seller · shop");
        whole(
            "settlement",
            &view,
            &[
                SETTLE_REF,
                "Rp 250.000.000",
                "Rp 2.500.000",
                "Rp 247.500.000",
                "1230004567890123",
            ],
            size,
        );
    }
}

#[test]
fn a_history_row_keeps_its_ref_id_and_sn_whole() {
    for size in WIDTHS {
        let mut a = app();
        keys(&mut a, ":history<Enter>");
        a.update(Action::HistoryLoaded {
            account: "pulsa".into(),
            query: HistoryQuery {
                page: 1,
                limit: 100,
                ..Default::default()
            },
            result: Ok(HistoryPage {
                transactions: vec![Transaction {
                    reference: HISTORY_REF.into(),
                    provider_id: Some("GTU-991823".into()),
                    product: Some("PLN100".into()),
                    customer_number: Some("532100012345".into()),
                    price: Some(Rupiah(101_500)),
                    status: OrderStatus::Finished,
                    sn: Some(HISTORY_SN.into()),
                    message: None,
                    at: Some(t0()),
                }],
                page: 1,
                total_pages: 1,
                total: Some(1),
                unreadable: 0,
            }),
        });
        a.view.status = None;
        let rows = drawn(&mut a, size.0, size.1);
        let view = boxed(&rows, "History · pulsa");
        whole(
            "history row",
            &view,
            &[
                HISTORY_REF,
                HISTORY_SN,
                "532100012345",
                "Rp 101.500",
                "PLN100",
            ],
            size,
        );
    }
}

/// Where an address takes a line of its own under its code, scrolling
/// keeps the picked entry whole and a click lands on the entry drawn there.
#[test]
fn otp_log_entries_of_two_lines_scroll_and_click_as_drawn() {
    use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let size = (80, 24);
    let mut a = app();
    let log: Vec<Otp> = (0..8)
        .map(|i| Otp {
            order_id: 100 + i,
            account: "zap".into(),
            service: "Email OTP".into(),
            number: format!("inbox{i}.verify.kirana@inbox-kitten.example"),
            code: format!("{}", 700_100 + i),
            received_at: t0() - chrono::Duration::minutes(i),
        })
        .collect();
    a.update(Action::Book(BookAction::OtpHistory(log)));
    a.view.focus = Pane::OtpLog;
    let codes: Vec<String> = a.visible_otps().iter().map(|o| o.code.clone()).collect();
    for (sel, o) in a
        .visible_otps()
        .iter()
        .map(|o| (*o).clone())
        .enumerate()
        .collect::<Vec<_>>()
    {
        a.view.selected.insert(Pane::OtpLog, sel);
        let rows = drawn(&mut a, size.0, size.1);
        let shown = pane(&a, &rows, Pane::OtpLog, size);
        whole("picked entry", &shown, &[&o.code, &o.number], size);
    }
    // Scrolled to the last entry: each line of the pane, clicked, picks the
    // entry whose code is on it or on the line above it.
    let last = codes.len() - 1;
    let l = otpdeck::app::layout::compute(Rect::new(0, 0, size.0, size.1), a.accounts.len())
        .expect("layout");
    let r = l.otp_log;
    let mut clicked = 0;
    for y in r.y + 2..r.y + r.height - 1 {
        a.view.selected.insert(Pane::OtpLog, last);
        let rows = drawn(&mut a, size.0, size.1);
        let at = |y: u16| rows[y as usize].clone();
        let owner = codes
            .iter()
            .position(|c| at(y).contains(c.as_str()))
            .or_else(|| codes.iter().position(|c| at(y - 1).contains(c.as_str())));
        let Some(owner) = owner else { continue };
        a.update(Action::Mouse(
            MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column: r.x + 3,
                row: y,
                modifiers: KeyModifiers::NONE,
            },
            t0(),
        ));
        assert_eq!(
            a.sel(Pane::OtpLog),
            owner,
            "a click on {:?} picks {}",
            at(y),
            codes[owner]
        );
        clicked += 1;
    }
    assert_eq!(clicked, 6, "three entries of two lines each");
}
