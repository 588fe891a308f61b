//! Unsigned integers in decimal, written without the formatting machinery:
//! JSON output writes several per finding and messages a line number each,
//! tens of thousands of times on a large configuration.

/// The digits of `n` in decimal, written at the end of `digits`.
pub fn digits(mut n: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &digits[at..]
}

/// [`digits`] as text.
pub fn decimal(n: u64, buffer: &mut [u8; 20]) -> &str {
    // ASCII digits only.
    std::str::from_utf8(digits(n, buffer)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{decimal, digits};

    #[test]
    fn matches_display() {
        for n in [0u64, 7, 10, 99, 100, 12345, u64::MAX] {
            assert_eq!(decimal(n, &mut [0; 20]), n.to_string());
            assert_eq!(digits(n, &mut [0; 20]), n.to_string().as_bytes());
        }
    }
}
