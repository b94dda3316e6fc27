//! Full-screen views (compare, statistics, history, report, seller): on the
//! popup stack like popups, listed in `app/popup_list.rs`, each its own
//! file for its state and keys.

macro_rules! view_modules {
    (
        popups { $($p:tt)* }
        views { $($v:ident($vm:ident :: $($vt:tt)+) = $vplace:literal,)* }
    ) => {
        $(pub mod $vm;)*
    };
}
crate::app::popup_list::popup_list!(view_modules);
