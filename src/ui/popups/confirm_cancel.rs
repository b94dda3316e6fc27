//! The cancel confirmation, with the refund an email order gets.

use super::{boxed, centered, yes_no, Draw};
use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;
use crate::app::popups::ConfirmCancel;

impl Draw for ConfirmCancel {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        let ConfirmCancel { order_id } = self;
        let email = app
            .book
            .orders
            .get(order_id)
            .filter(|o| crate::app::email::is_email(o));
        let r = centered(area, if email.is_some() { 60 } else { 44 }, 5);
        let first = match email {
            // The refund is the price less the fee the catalog showed.
            Some(o) => match crate::app::email::cancel_refund(o) {
                (refund, Some(fee)) => format!(
                    "Cancel #{order_id}? Refund {refund} ({} less {fee} fee).",
                    o.price
                ),
                (_, None) => {
                    format!("Cancel #{order_id}? Refunded less any cancellation fee.")
                }
            },
            None => format!("Cancel order #{order_id}? It is refunded."),
        };
        let lines = vec![
            Line::from(first),
            Line::styled(yes_no(app, "cancel it", "keep it"), theme.dim),
        ];
        frame.render_widget(Clear, r);
        frame.render_widget(Paragraph::new(lines).block(boxed(theme, "Cancel?")), r);
    }
}
