//! Deposit popups: the form, the confirmation, the list, and the QR code
//! with its countdown (black on white, sized to scan; where it cannot fit,
//! how large the terminal must be).

use super::{boxed, centered};
use crate::app::keymap::Cmd;
use crate::app::popups::deposit_form::amount_of;
use crate::app::App;
use crate::domain::columns::{pad, width, wrap, wrap_words, Align, Column, Table};
use crate::domain::text::visible;
use crate::domain::{deposit_rules, Deposit, DepositRequest, DepositStatus, ProviderKind};
use crate::money::Rupiah;
use crate::ui::fit;
use crate::ui::qr::{needed_terminal, too_small, Modules};
use crate::ui::theme::Theme;
use crate::ui::table::{self, Show};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;
use tui_input::Input;

/// "Enter next": the first key only, since in the form typed letters are
/// text, not commands.
fn hint(app: &App, cmd: Cmd, what: &str) -> String {
    format!("{} {what}", app.keymap.label(cmd))
}

/// The form, drawn from the popup's own fields.
pub struct Form<'a> {
    pub account: &'a str,
    pub kind: ProviderKind,
    pub amount: &'a Input,
    pub method: usize,
}

pub fn form(frame: &mut Frame, app: &App, t: &Theme, area: Rect, f: Form) {
    let Form {
        account,
        kind,
        amount,
        method,
    } = f;
    let rules = deposit_rules(kind);
    let methods = rules.map(|r| r.methods).unwrap_or(&[]);
    let r = centered(area, 56, 8);
    let typed = amount_of(amount)
        .map(|a| Rupiah(a).to_string())
        .unwrap_or_default();
    let mut lines = vec![
        Line::from(format!("account  {account} ({})", kind.display_name())),
        Line::from(vec![
            Span::raw("amount   "),
            Span::styled(format!("{}▏", amount.value()), t.otp),
            Span::styled(format!("  {typed}"), t.dim),
        ]),
        Line::from(format!(
            "method   {}{}",
            methods.get(method).map(|m| m.as_str()).unwrap_or("-"),
            if methods.len() > 1 {
                "  (↑/↓ to change)"
            } else {
                ""
            }
        )),
        Line::styled(
            match rules.and_then(|r| r.min) {
                Some(m) => format!("minimum  {m}"),
                None => "minimum  none documented".to_string(),
            },
            t.dim,
        ),
    ];
    lines.push(Line::styled(
        format!(
            "{} · {} · {}",
            hint(app, Cmd::NextPreset, "preset"),
            hint(app, Cmd::Confirm, "next"),
            hint(app, Cmd::Dismiss, "back")
        ),
        t.dim,
    ));
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(lines).block(boxed(t, "New deposit")), r);
}

pub fn confirm(
    frame: &mut Frame,
    app: &App,
    t: &Theme,
    area: Rect,
    account: &str,
    request: &DepositRequest,
) {
    let r = centered(area, 56, 6);
    let lines = vec![
        Line::from(vec![
            Span::raw("Pay in "),
            Span::styled(request.amount.to_string(), t.price),
            Span::raw(format!(" to {account} by {}?", request.method.as_str())),
        ]),
        Line::styled("A fee may be added; the invoice says the total.", t.dim),
        Line::styled(
            format!(
                "{} · {}",
                hint(app, Cmd::Confirm, "create"),
                hint(app, Cmd::Dismiss, "back")
            ),
            t.dim,
        ),
    ];
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(lines).block(boxed(t, "Deposit?")), r);
}

fn left(app: &App, d: &Deposit) -> String {
    match d.expires_at {
        Some(e) if d.status == DepositStatus::Pending => {
            let s = (e - app.now).num_seconds().max(0);
            format!("{:02}:{:02}", s / 60, s % 60)
        }
        _ => "-".into(),
    }
}

pub fn list(frame: &mut Frame, app: &App, t: &Theme, area: Rect, selected: usize) {
    let all = crate::app::popups::deposits::visible(app);
    // Columns as wide as their amounts: `Rp 999.999.999.999` never runs
    // into the next cell; the account name gives way first, then the
    // countdown and the total move under the row.
    let mut cols = Table::new(vec![
        Column::value("#"),
        Column::text("account", 6),
        Column::value("amount").right(),
        Column::value("pay").right().leaves(2),
        Column::value("status"),
        Column::value("left").leaves(1),
    ]);
    for d in &all {
        cols.push([
            format!("#{}", d.id),
            d.account.clone(),
            d.amount.to_string(),
            d.total.map(|x| x.to_string()).unwrap_or_else(|| "-".into()),
            d.status.as_str().to_string(),
            left(app, d),
        ]);
    }
    let keys = format!(
        "{} QR · {} · {}",
        super::keys(app, Cmd::Confirm),
        hint(app, Cmd::CancelDeposit, "cancel"),
        hint(app, Cmd::Dismiss, "back")
    );
    let wide = cols.fit(usize::MAX).total().max(width(&keys));
    // At least 60 wide, never wider than the screen (which may be less).
    let r_w = (wide.min(u16::MAX as usize - 2) as u16 + 2)
        .max(60)
        .min(area.width.max(1));
    let w = r_w.saturating_sub(2) as usize;
    let fitted = cols.fit(w);
    let rows: usize = (0..cols.len()).map(|i| fitted.row(i).len()).sum();
    let h = (rows.clamp(1, u16::MAX as usize - 4) as u16 + 4)
        .max(5)
        .min(area.height.max(1));
    let r = centered(area, r_w, h);
    let style = |i: usize| {
        Some(match all[i].status {
            DepositStatus::Success => t.ok,
            DepositStatus::Unknown | DepositStatus::Failed => t.error,
            _ => t.text,
        })
    };
    let mut lines = table::lines(
        &cols,
        w,
        (h as usize).saturating_sub(4),
        Show::Picked(selected, t.highlight),
        [t.dim, t.text],
        style,
    );
    if all.is_empty() {
        lines.push(Line::from("No deposits yet: d makes one."));
    }
    lines.push(Line::styled(fit(&keys, w), t.dim));
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(lines).block(boxed(t, "Deposits")), r);
}

/// `text` made visible and wrapped at spaces in `w` columns (a word
/// longer than a line broken inside, never cut), in `style`.
fn wrapped(out: &mut Vec<Line<'static>>, text: &str, w: usize, style: Style) {
    for l in wrap_words(&visible(text), w) {
        out.push(Line::styled(l, style));
    }
}

/// Details beside (or below) the code, laid out in `w` columns so their
/// line count is the height they take.
fn details(app: &App, d: &Deposit, t: &Theme, w: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    wrapped(&mut out, &format!("Deposit #{} · {}", d.id, d.account), w, t.title);
    wrapped(&mut out, &format!("amount   {}", d.amount), w, t.text);
    let usdt = d.method == crate::domain::DepositMethod::UsdtTrc20;
    if let Some(total) = d.total {
        out.push(Line::from(vec![
            Span::raw("pay      "),
            Span::styled(total.to_string(), t.price),
        ]));
        if usdt && d.extras.is_empty() {
            // GateOTP's doc shows a USDT invoice's fields for QRIS only.
            wrapped(
                &mut out,
                "(as GateOTP gave it: its doc names no USDT amount)",
                w,
                t.dim,
            );
        }
    }
    // What the API sent beyond the documented fields (a USDT invoice's
    // address and amount), labelled by its key and whole: beside its
    // label where it fits, else under it.
    if !d.extras.is_empty() {
        wrapped(
            &mut out,
            &format!("sent by {}, not in its doc:", d.provider.display_name()),
            w,
            t.dim,
        );
        let label_w = d.extras.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
        for (k, v) in &d.extras {
            let (k, v) = (visible(k), visible(v));
            if label_w + 2 + width(&v) <= w {
                out.push(Line::from(vec![
                    Span::styled(format!("{}  ", pad(&k, label_w, Align::Left)), t.dim),
                    Span::styled(v.into_owned(), t.otp),
                ]));
            } else {
                wrapped(&mut out, &k, w, t.dim);
                for part in wrap(&v, w.saturating_sub(2)) {
                    out.push(Line::styled(format!("  {part}"), t.otp));
                }
            }
        }
    }
    wrapped(&mut out, &format!("status   {}", d.status), w, t.text);
    if d.status == DepositStatus::Pending {
        wrapped(&mut out, &format!("expires  in {}", left(app, d)), w, t.text);
        wrapped(
            &mut out,
            if usdt {
                "Pay in USDT from a TRC-20 (TRON) wallet app."
            } else {
                "Scan with a banking or e-wallet app."
            },
            w,
            t.dim,
        );
        // A payment page can also be opened by hand from its address.
        if let Some(url) = d.payment.as_deref().filter(|p| p.starts_with("http")) {
            for part in wrap(&visible(url), w) {
                out.push(Line::from(part));
            }
        }
    }
    if let Some(c) = d.credited {
        wrapped(&mut out, &format!("credited {c}"), w, t.ok);
    }
    if let Some(p) = &d.paid_with {
        wrapped(&mut out, &format!("paid via {p}"), w, t.text);
    }
    if let Some(n) = &d.note {
        let n = crate::domain::times::local_times(n, app.now, app.settings.utc_offset);
        wrapped(&mut out, &n, w, t.dim);
    }
    let pending = d.status == DepositStatus::Pending;
    let cancels = pending && deposit_rules(d.provider).is_some_and(|r| r.cancel);
    let mut keys = Vec::new();
    if pending && d.payment.is_some() {
        // The code as text: a wallet address or a payment page, whole.
        keys.push(hint(app, Cmd::CopyOtp, "copy code"));
    }
    if cancels {
        keys.push(hint(app, Cmd::CancelDeposit, "cancel"));
    }
    keys.push(hint(app, Cmd::Dismiss, "back"));
    let keys = keys.join(" · ");
    wrapped(&mut out, &keys, w, t.dim);
    out
}

pub fn qr(frame: &mut Frame, app: &App, t: &Theme, full: Rect, id: i64) {
    let Some(d) = app.book.deposits.get(&id) else {
        return;
    };
    // Above the status bar, so what a copy or a cancel says is seen.
    let area = super::above_status(app, full);
    let status_h = full.height - area.height;
    frame.render_widget(Clear, area);
    let payment = d.payment.as_deref().unwrap_or("");
    let code = Modules::of(payment);
    let (cw, ch) = code.as_ref().map(|m| m.size()).unwrap_or((0, 0));
    // 36 columns beside the code, wider where the screen has room for a
    // payment page's URL on one line (to read or copy whole).
    let url_w = if payment.starts_with("http") {
        width(&visible(payment))
    } else {
        0
    };
    let info_w = (url_w.min(u16::MAX as usize) as u16)
        .min(area.width.saturating_sub(cw + 2))
        .max(36);
    let show_code = d.status == DepositStatus::Pending;
    // The details beside the code (36 columns) or under it (the screen's
    // width): laid out first, so their height decides where they go and
    // what size to ask for.
    let beside = details(app, d, t, info_w as usize);
    let under = details(app, d, t, area.width.max(cw) as usize);
    if let (true, Ok(m)) = (show_code, &code) {
        if area.width > cw + info_w && area.height >= ch.max(beside.len() as u16) {
            let x = area.x + (area.width - cw - info_w) / 2;
            let y = area.y + (area.height - ch) / 2;
            frame.render_widget(Paragraph::new(m.lines()), Rect::new(x, y, cw, ch));
            let h = beside.len() as u16;
            let r = Rect::new(
                x + cw + 1,
                y.min(area.y + area.height - h),
                info_w,
                ch.max(h),
            );
            frame.render_widget(Paragraph::new(beside), r);
            return;
        }
        if area.width >= cw && area.height >= ch + under.len() as u16 {
            let x = area.x + (area.width - cw) / 2;
            frame.render_widget(Paragraph::new(m.lines()), Rect::new(x, area.y, cw, ch));
            let r = Rect::new(area.x, area.y + ch, area.width, area.height - ch);
            frame.render_widget(Paragraph::new(under), r);
            return;
        }
    }
    // In a box: 60 wide where the screen allows.
    let inner = 60.min(area.width).saturating_sub(2) as usize;
    let mut lines = details(app, d, t, inner);
    if show_code {
        let why = match &code {
            Ok(m) => {
                let (nw, nh) = needed_terminal(
                    m,
                    (info_w, beside.len() as u16),
                    (area.width.max(cw), under.len() as u16),
                );
                too_small((nw, nh + status_h), (full.width, full.height))
            }
            Err(e) => e.clone(),
        };
        let mut said = Vec::new();
        wrapped(&mut said, &why, inner, t.warn);
        lines.splice(1..1, said);
    }
    let r = centered(area, 60, lines.len() as u16 + 2);
    frame.render_widget(Paragraph::new(lines).block(boxed(t, "Deposit")), r);
}

impl crate::ui::popups::Draw for crate::app::popups::Deposits {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        list(frame, app, theme, area, self.selected)
    }
}
