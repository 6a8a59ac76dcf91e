//! The one way the product writes CSV: the `csv` crate (quoting as the format needs), and every
//! cell that a spreadsheet would read as a formula neutralised by a leading `'` (OWASP's CSV
//! injection rule). Reading undoes exactly that prefix, so that a file the product wrote can
//! be imported again.

use std::borrow::Cow;

/// The first characters that make a spreadsheet read a cell as a formula (or hide one).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as the product writes it: with a `'` in front where it starts like a formula.
pub fn neutralised(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A cell as it was before [`neutralised`]: the `'` in front of a formula start removed.
pub fn restored(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// Writes the records (the first is usually the header) as CSV text with `delimiter`, lines
/// ending in CRLF, every cell [`neutralised`].
pub fn write<R, C, S>(delimiter: u8, records: R) -> String
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for record in records {
        let cells: Vec<String> = record
            .into_iter()
            .map(|c| neutralised(c.as_ref()).into_owned())
            .collect();
        writer.write_record(&cells).expect("writing to memory");
    }
    let bytes = writer.into_inner().expect("writing to memory");
    String::from_utf8(bytes).expect("the cells are UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_start_like_a_formula_get_a_quote_and_others_stay_as_they_are() {
        for cell in ["=1+1", "+49 170 1234567", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralised(cell), format!("'{cell}"), "{cell:?}");
            assert_eq!(restored(&neutralised(cell)), cell, "{cell:?}");
        }
        for cell in [
            "",
            "Muster",
            "a=b",
            " =1",
            "'quoted",
            "1-2",
            "Hof 2\r\nHinterhaus",
        ] {
            assert_eq!(neutralised(cell), cell, "{cell:?}");
            assert_eq!(restored(cell), cell, "{cell:?}");
        }
        assert_eq!(restored("'=1"), "=1");
        assert_eq!(restored("''=1"), "''=1");
    }

    #[test]
    fn records_are_written_with_the_delimiter_quoted_where_needed_and_neutralised() {
        let text = write(
            b';',
            [
                vec!["type", "companyName", "street"],
                vec!["company", "Muster; Sohn \"GmbH\"", "Hof 2\r\nHinterhaus"],
                vec!["person", "=HYPERLINK(\"x\")", "-"],
            ],
        );
        assert_eq!(
            text,
            "type;companyName;street\r\n\
             company;\"Muster; Sohn \"\"GmbH\"\"\";\"Hof 2\r\nHinterhaus\"\r\n\
             person;\"'=HYPERLINK(\"\"x\"\")\";'-\r\n"
        );
        let comma = write(b',', [["a,b", "c"]]);
        assert_eq!(comma, "\"a,b\",c\r\n");
    }

    #[test]
    fn what_is_written_reads_back_as_the_cells_it_was_given() {
        let rows = vec![
            vec!["type", "lastName"],
            vec!["person", "=cmd|' /C calc'!A0"],
            vec!["\"\"", "a\rb"],
        ];
        let text = write(b';', rows.clone());
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .from_reader(text.as_bytes());
        let back: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(|c| restored(c).to_owned()).collect())
            .collect();
        assert_eq!(back, rows);
    }
}
