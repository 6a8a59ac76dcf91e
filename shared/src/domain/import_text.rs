//! The bytes of an uploaded file as text, or why they are none: UTF-8, UTF-16 with a byte order
//! mark (Excel's "Unicode text"), or Windows-1252 (how DATEV and Excel save CSV); a workbook,
//! archive, PDF or any file with a NUL byte is refused as not a CSV file. Also the separator,
//! told by the header line.

use super::{Code, Reason};

/// The kinds of file people upload by mistake instead of a CSV, by their first bytes.
const NOT_CSV: [(&[u8], &str); 3] = [
    (
        b"PK\x03\x04",
        "an Excel workbook or another archive (xlsx, ods, zip)",
    ),
    (
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        "an old-style Excel workbook (xls)",
    ),
    (b"%PDF-", "a PDF document"),
];

/// Why the bytes are not the text of a CSV file (`unreadable_file`). The message names the kind
/// of file where its first bytes tell it, and never repeats any content.
pub fn not_text(what: &str) -> Reason {
    Reason::new(
        Code::UnreadableFile,
        format!("is not a CSV text file but {what}; save it as CSV (UTF-8) and upload that"),
    )
}

/// The file's text. A byte order mark decides UTF-8 or UTF-16; without one, valid UTF-8 is
/// taken as it is and anything else is read as Windows-1252, which maps every byte to a
/// character (a byte it leaves undefined becomes a control character, which the text rules
/// then refuse by field). No text holds a NUL, so one means a binary file.
pub fn decode(bytes: &[u8]) -> Result<String, Reason> {
    if let Some((_, what)) = NOT_CSV.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Err(not_text(what));
    }
    let text = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, bom)) => encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned(),
        None => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(_) => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        },
    };
    if text.contains('\0') {
        return Err(not_text("a binary file"));
    }
    Ok(text)
}

/// The character of `;`, `,` and tab that the header line holds most (ties in that order).
/// Column names contain none of them, so the header line tells the separator for sure.
pub fn separator(text: &str) -> u8 {
    let header = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let count = |c: u8| header.bytes().filter(|x| *x == c).count();
    let mut best = b',';
    for candidate in [b';', b'\t'] {
        if count(candidate) > count(best) {
            best = candidate;
        }
    }
    best
}

/// `text` as Excel's "Unicode text" saves it: UTF-16 little endian after its byte order mark.
#[cfg(test)]
pub(super) fn utf16le_with_bom(text: &str) -> Vec<u8> {
    [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(bytes: &[u8]) -> String {
        let reason = decode(bytes).unwrap_err();
        assert_eq!(reason.code, Code::UnreadableFile);
        reason.message
    }

    #[test]
    fn utf8_with_or_without_a_byte_order_mark_is_taken_as_it_is() {
        assert_eq!(decode("a;ü".as_bytes()).unwrap(), "a;ü");
        assert_eq!(decode(b"\xEF\xBB\xBFa;\xC3\xBC").unwrap(), "a;ü");
    }

    #[test]
    fn windows_1252_is_read_where_the_bytes_are_not_utf8() {
        assert_eq!(decode(b"M\xFCller;Stra\xDFe").unwrap(), "Müller;Straße");
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_decoded_in_either_byte_order() {
        let text = "type\temail\nperson\tmü@example.com\n";
        let le = utf16le_with_bom(text);
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&le).unwrap(), text);
        assert_eq!(decode(&be).unwrap(), text);
    }

    #[test]
    fn a_workbook_an_archive_or_a_pdf_is_named_and_refused() {
        assert!(refusal(b"PK\x03\x04\x14\x00\x06\x00").contains("xlsx"));
        assert!(refusal(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00").contains("xls"));
        assert!(refusal(b"%PDF-1.7\n").contains("PDF"));
    }

    #[test]
    fn any_file_with_a_nul_byte_is_refused_as_binary() {
        assert!(refusal(b"type;email\nperson;a@example.com\0\n").contains("binary"));
        // UTF-16 without a byte order mark reads as Windows-1252 with NULs: refused, not garbled.
        let no_bom: Vec<u8> = "type;email"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(refusal(&no_bom).contains("binary"));
    }

    #[test]
    fn the_separator_is_the_one_the_header_line_holds_most() {
        assert_eq!(separator("type;email;lastName"), b';');
        assert_eq!(separator("type,email"), b',');
        assert_eq!(separator("type\temail\tlastName"), b'\t');
        assert_eq!(separator("\n\ntype;email\nx,y,z,w"), b';');
        assert_eq!(separator("type"), b',');
    }
}
