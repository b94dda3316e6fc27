//! The full-screen views' drawing (compare, statistics, history, report,
//! seller), one file each; listed in `app/popup_list.rs`.

macro_rules! view_modules {
    (
        popups { $($p:tt)* }
        views { $($v:ident($vm:ident :: $($vt:tt)+) = $vplace:literal,)* }
    ) => {
        $(pub mod $vm;)*
    };
}
crate::app::popup_list::popup_list!(view_modules);
