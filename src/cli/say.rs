//! The CLI's print macros. Human output carries provider text (names,
//! numbers, OTPs, error messages); every line goes through the one
//! sanitizer, so an escape in it is shown as `␛` instead of reaching the
//! terminal. The program's own line breaks and tabs are kept. `--json`
//! needs none of this: serde escapes every control character.

/// `println!` with outside text made visible.
macro_rules! say {
    () => { println!() };
    ($($t:tt)*) => {
        println!("{}", $crate::domain::text::visible_block(&format!($($t)*)))
    };
}

/// `print!` with outside text made visible.
macro_rules! say_part {
    ($($t:tt)*) => {
        print!("{}", $crate::domain::text::visible_block(&format!($($t)*)))
    };
}

/// `eprintln!` with outside text made visible.
macro_rules! say_err {
    () => { eprintln!() };
    ($($t:tt)*) => {
        eprintln!("{}", $crate::domain::text::visible_block(&format!($($t)*)))
    };
}

/// `eprint!` with outside text made visible.
macro_rules! say_err_part {
    ($($t:tt)*) => {
        eprint!("{}", $crate::domain::text::visible_block(&format!($($t)*)))
    };
}
