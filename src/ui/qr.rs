//! QR codes in the terminal: the qrcode crate makes the module matrix, and
//! each character cell shows two modules stacked (Unicode half blocks), so
//! a 29-module code with its quiet zone takes 37 columns and 19 rows. Dark
//! modules are black on white whatever the theme, as phone scanners expect.

use qrcode::{Color, EcLevel, QrCode};
use ratatui::style::{Color as TColor, Style};
use ratatui::text::Line;

/// Light modules around the code, as the QR spec asks (4 is the standard;
/// 2 still scans reliably off a screen and saves room).
pub const QUIET: usize = 2;

/// A QR code's modules, true for dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modules {
    pub width: usize,
    dark: Vec<bool>,
}

impl Modules {
    pub fn of(payload: &str) -> Result<Modules, String> {
        // Level L: the smallest code; a screen is not a scuffed sticker.
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::L)
            .map_err(|e| format!("cannot make a QR code of this payload: {e}"))?;
        Ok(Modules {
            width: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        })
    }

    /// Dark at (x, y), counting the quiet zone; outside is light.
    pub fn dark(&self, x: usize, y: usize) -> bool {
        let (x, y) = (x.wrapping_sub(QUIET), y.wrapping_sub(QUIET));
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// Columns and rows the drawn code takes.
    pub fn size(&self) -> (u16, u16) {
        let side = self.width + 2 * QUIET;
        (side as u16, side.div_ceil(2) as u16)
    }

    /// The code as text, two modules per cell: ' ', '▀', '▄' or '█' with
    /// the dark module in the foreground.
    pub fn rows(&self) -> Vec<String> {
        let side = self.width + 2 * QUIET;
        (0..side)
            .step_by(2)
            .map(|y| {
                (0..side)
                    .map(|x| match (self.dark(x, y), self.dark(x, y + 1)) {
                        (true, true) => '█',
                        (true, false) => '▀',
                        (false, true) => '▄',
                        (false, false) => ' ',
                    })
                    .collect()
            })
            .collect()
    }

    /// The code as ratatui lines: black on white, whatever the theme.
    pub fn lines(&self) -> Vec<Line<'static>> {
        let style = Style::default().fg(TColor::Black).bg(TColor::White);
        self.rows()
            .into_iter()
            .map(|r| Line::styled(r, style))
            .collect()
    }

    /// The code for a plain terminal (stdout): ANSI black on white.
    pub fn ansi(&self) -> String {
        self.rows()
            .into_iter()
            .map(|r| format!("\x1b[30;47m{r}\x1b[0m\n"))
            .collect()
    }
}

/// The smallest area that shows the code beside details of
/// `beside` (columns, lines), or above `above` (the columns they were laid
/// out in, lines) of them (a code drawn smaller than its modules cannot be
/// read by any phone).
pub fn needed_terminal(m: &Modules, beside: (u16, u16), above: (u16, u16)) -> (u16, u16) {
    let (cw, ch) = m.size();
    let beside = (cw + beside.0 + 1, ch.max(beside.1));
    let above = (cw.max(above.0), ch + above.1);
    if u32::from(beside.0) * u32::from(beside.1) <= u32::from(above.0) * u32::from(above.1) {
        beside
    } else {
        above
    }
}

/// What to say instead of a code that would not fit: the terminal it
/// needs and the one it has; short enough for the smallest popup.
pub fn too_small((nw, nh): (u16, u16), (w, h): (u16, u16)) -> String {
    format!("The QR code needs a {nw}×{nh} terminal (now {w}×{h})")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the drawn characters back into modules and decodes them, so
    /// what the user sees is what a phone reads.
    fn decode(rows: &[String]) -> String {
        let grid: Vec<Vec<bool>> = rows
            .iter()
            .flat_map(|r| {
                let top: Vec<bool> = r.chars().map(|c| matches!(c, '█' | '▀')).collect();
                let bottom: Vec<bool> = r.chars().map(|c| matches!(c, '█' | '▄')).collect();
                [top, bottom]
            })
            .collect();
        let scale = 4;
        let side = grid[0].len();
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(
            side * scale,
            grid.len() * scale,
            |x, y| {
                if grid[y / scale][x / scale] {
                    0
                } else {
                    255
                }
            },
        );
        let found = img.detect_grids();
        assert_eq!(found.len(), 1, "one code on screen");
        found[0].decode().expect("decodes").1
    }

    #[test]
    fn what_is_drawn_decodes_back_to_the_payload() {
        for payload in [
            "00020101021226600016ID.GATEOTP.SIM0112WN00000000015204481253033605405502005802ID5911GATEOTP SIM6007JAKARTA6304SIMQ",
            "https://otpzap.sim/pay/APIDEP-3-0000000001",
        ] {
            let m = Modules::of(payload).expect("code");
            assert_eq!(decode(&m.rows()), payload);
            let (w, h) = m.size();
            assert_eq!(w as usize, m.width + 2 * QUIET);
            assert_eq!(h as usize, m.rows().len());
        }
    }

    #[test]
    fn a_terminal_too_small_is_told_how_large_it_must_be() {
        let m = Modules::of("https://otpzap.sim/pay/APIDEP-3-0000000001").expect("code");
        let (w, h) = m.size();
        // Beside 36 columns of details, or above 9 lines of them.
        let need = needed_terminal(&m, (36, 9), (w, 9));
        assert!(need == (w + 37, h) || need == (w, h + 9), "{need:?}");
        // Details taller than the code: beside it, they set the height.
        let tall = needed_terminal(&m, (36, h + 5), (60, 40));
        assert_eq!(tall, (w + 37, h + 5));
        let msg = too_small(need, (60, 20));
        assert!(msg.contains(&format!("{}×{}", need.0, need.1)), "{msg}");
        assert!(msg.chars().count() <= 58, "fits the popup: {msg}");
    }
}
