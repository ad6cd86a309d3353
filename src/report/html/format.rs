//! Text formatting for the page: HTML escaping, the fast three-decimal probability writer,
//! JSON safe inside a `<script>`, base64 (for the script's CSP hash) and CSS colours.

use std::fmt::Write as _;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    escape_into(&mut out, s);
    out
}

/// [`escape`] appended to `out`: runs of ordinary text are copied whole (the characters
/// escaped are all ASCII, so a byte scan finds them and never splits a UTF-8 sequence).
pub fn escape_into(out: &mut String, s: &str) {
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        out.push_str(entity);
        run = i + 1;
    }
    out.push_str(&s[run..]);
}

/// Appends `p` with three decimals, exactly as `format!("{p:.3}")` writes it, for a
/// probability in [0, 1] (anything else, −0 included, goes through `format!`): the page carries ten of
/// them per sentence and the general float formatter was a tenth of building it.
pub(super) fn push_prob3(out: &mut String, p: f32) {
    if !(0.0..=1.0).contains(&p) || p.is_sign_negative() {
        let _ = write!(out, "{p:.3}");
        return;
    }
    // An f32 times 1000 is exact in f64 (24 + 10 bits of mantissa), so this rounds the
    // exact value, half to even as the formatter does.
    let m = f64::from(p) * 1000.0;
    let mut k = m.floor();
    let frac = m - k;
    if frac > 0.5 || (frac == 0.5 && k % 2.0 == 1.0) {
        k += 1.0;
    }
    let k = k as u32;
    let digits = [
        b'0' + (k / 1000) as u8,
        b'.',
        b'0' + (k / 100 % 10) as u8,
        b'0' + (k / 10 % 10) as u8,
        b'0' + (k % 10) as u8,
    ];
    out.push_str(std::str::from_utf8(&digits).expect("ASCII digits"));
}

/// JSON that is safe inside a `<script type="application/json">` element.
pub(super) fn script_json(v: &serde_json::Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Standard base64 (with padding), for the script's CSP hash.
pub(super) fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `#rrggbb` of a colour.
pub(super) fn rgb((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prob3(p: f32) -> String {
        let mut s = String::new();
        push_prob3(&mut s, p);
        s
    }

    #[test]
    fn prob3_writes_what_the_formatter_writes() {
        // Every 61st f32 in [0, 1] (≈ 17 million values, all magnitudes), the ties (values
        // whose thousandfold is exactly k + ½, where the rounding direction shows), the ends,
        // and values out of range.
        let one = 1.0f32.to_bits();
        let mut values: Vec<f32> = (0..=one).step_by(61).map(f32::from_bits).collect();
        values.extend((0..=2000u32).filter_map(|j| {
            let p = j as f32 / 2000.0;
            (f64::from(p) * 1000.0).fract().eq(&0.5).then_some(p)
        }));
        values.extend([
            0.0,
            1.0,
            0.0005,
            0.9995,
            0.0625,
            0.1875,
            -0.0,
            1.5,
            -0.25,
            f32::NAN,
        ]);
        for p in values {
            assert_eq!(prob3(p), format!("{p:.3}"), "bits {:#x}", p.to_bits());
        }
    }

    #[test]
    fn escape_into_matches_a_char_by_char_escape() {
        for s in [
            "",
            "plain",
            "<a href=\"x\">Tom & Jerry's</a>",
            "é<ü>&",
            "&&''\"\"<<>>",
            "ends <",
        ] {
            let want: String = s
                .chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c => c.to_string(),
                })
                .collect();
            assert_eq!(escape(s), want);
            let mut out = String::from("x");
            escape_into(&mut out, s);
            assert_eq!(out, format!("x{want}"));
        }
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<img src=x onerror='a(1)'> & \"q\""),
            "&lt;img src=x onerror=&#39;a(1)&#39;&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let v = serde_json::json!({"a": "</script><b>&"});
        let s = script_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
