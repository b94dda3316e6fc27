//! A `TestBackend` the test can read while the event loop draws on it.

use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Clone)]
pub struct SharedBackend(pub Arc<Mutex<TestBackend>>);

impl SharedBackend {
    pub fn new(w: u16, h: u16) -> SharedBackend {
        SharedBackend(Arc::new(Mutex::new(TestBackend::new(w, h))))
    }

    fn inner(&self) -> MutexGuard<'_, TestBackend> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The screen as text, one line per row.
    pub fn text(&self) -> String {
        let b = self.inner();
        let buf = b.buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }
}

type R<T> = Result<T, std::convert::Infallible>;

impl Backend for SharedBackend {
    type Error = std::convert::Infallible;

    fn draw<'a, I>(&mut self, content: I) -> R<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner().draw(content)
    }
    fn hide_cursor(&mut self) -> R<()> {
        self.inner().hide_cursor()
    }
    fn show_cursor(&mut self) -> R<()> {
        self.inner().show_cursor()
    }
    fn get_cursor_position(&mut self) -> R<Position> {
        self.inner().get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> R<()> {
        self.inner().set_cursor_position(position)
    }
    fn clear(&mut self) -> R<()> {
        self.inner().clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> R<()> {
        self.inner().clear_region(clear_type)
    }
    fn size(&self) -> R<Size> {
        self.inner().size()
    }
    fn window_size(&mut self) -> R<WindowSize> {
        self.inner().window_size()
    }
    fn flush(&mut self) -> R<()> {
        self.inner().flush()
    }
}
