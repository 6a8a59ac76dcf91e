//! A CSV file of customers to import: decoded by [`import_text`](super::import_text), split
//! into records by the `csv` crate with the separator its header line uses,
//! and checked for its shape (columns, row limit, duplicate rows). The fields of each row are
//! then parsed by exactly the rules of `POST /customers` ([`ImportRow::input`]).

use super::csv_out;
use super::import_text;
use super::{AddressInput, CustomerInput};
use super::{Code, Reason};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// At most this many data rows per file.
pub const MAX_ROWS: usize = 5000;
/// At most this many bytes per file (413 beyond).
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

/// The columns a file may have (the fields of `POST /customers`, the address flattened).
pub const COLUMNS: [&str; 19] = [
    "type",
    "salutation",
    "title",
    "firstName",
    "lastName",
    "dateOfBirth",
    "companyName",
    "legalForm",
    "registerNumber",
    "vatId",
    "contactFirstName",
    "contactLastName",
    "email",
    "mobile",
    "language",
    "street",
    "postalCode",
    "city",
    "country",
];

/// The columns every file must have: without them no row can be valid.
pub const MANDATORY_COLUMNS: [&str; 2] = ["type", "email"];

/// The address fields, nested under `address` in the JSON of `POST /customers`.
const ADDRESS_COLUMNS: [&str; 4] = ["street", "postalCode", "city", "country"];

/// One error of a file: `row` counts data rows from 1 (0 is the header), `field` names the
/// column, and the reason says why, with a code from the closed list. The message never
/// repeats the value, so that it carries no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    pub field: String,
    #[serde(flatten)]
    pub reason: Reason,
}

impl RowError {
    pub fn new(row: usize, field: impl Into<String>, reason: Reason) -> Self {
        Self {
            row,
            field: field.into(),
            reason,
        }
    }

    /// A customer field error of `POST /customers` as an error of this row: the address
    /// fields are columns of their own here.
    pub fn of_field(row: usize, field: &str, reason: &Reason) -> Self {
        Self::new(
            row,
            field.strip_prefix("address.").unwrap_or(field),
            reason.clone(),
        )
    }
}

fn unreadable() -> Reason {
    Reason::new(Code::UnreadableFile, "cannot be read as CSV")
}

/// One data row: its number and its non-blank fields by column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub number: usize,
    pub fields: BTreeMap<String, String>,
}

impl ImportRow {
    /// The row as the body of a `POST /customers` would carry it.
    pub fn input(&self) -> CustomerInput {
        let f = |name: &str| self.fields.get(name).cloned();
        let address = ADDRESS_COLUMNS
            .iter()
            .any(|c| self.fields.contains_key(*c))
            .then(|| AddressInput {
                street: f("street"),
                postal_code: f("postalCode"),
                city: f("city"),
                country: f("country"),
            });
        CustomerInput {
            kind: f("type"),
            salutation: f("salutation"),
            title: f("title"),
            first_name: f("firstName"),
            last_name: f("lastName"),
            date_of_birth: f("dateOfBirth"),
            company_name: f("companyName"),
            legal_form: f("legalForm"),
            register_number: f("registerNumber"),
            vat_id: f("vatId"),
            contact_first_name: f("contactFirstName"),
            contact_last_name: f("contactLastName"),
            email: f("email"),
            mobile: f("mobile"),
            language: f("language"),
            address,
            version: None,
        }
    }
}

/// A file whose shape is right: its rows, and the rows that repeat an earlier one; and, to
/// hand failed rows back, its header, separator and each row's cells as the file had them.
#[derive(Debug)]
pub struct ImportFile {
    pub rows: Vec<ImportRow>,
    pub duplicates: Vec<RowError>,
    pub header: Vec<String>,
    pub separator: u8,
    /// The cells of row `n` at index `n - 1`, untrimmed, as the `csv` crate read them.
    pub records: Vec<Vec<String>>,
}

impl ImportFile {
    /// The header and the rows numbered `rows` (in file order, each once; 0 and numbers
    /// beyond the file are left out) as CSV with the file's separator, written by
    /// [`csv_out::write`].
    pub fn failed_rows<I: IntoIterator<Item = usize>>(&self, rows: I) -> String {
        failed_rows_csv(
            &self.header,
            self.separator,
            rows.into_iter()
                .filter_map(|n| n.checked_sub(1).map(|i| (n, i)))
                .filter_map(|(n, i)| self.records.get(i).map(|r| (n, r))),
        )
    }
}

/// The header and the given numbered records, each number once, in order of their numbers.
pub fn failed_rows_csv<'a>(
    header: &[String],
    separator: u8,
    records: impl Iterator<Item = (usize, &'a Vec<String>)>,
) -> String {
    let picked: BTreeMap<usize, &Vec<String>> = records.collect();
    csv_out::write(
        separator,
        std::iter::once(header).chain(picked.into_values().map(Vec::as_slice)),
    )
}

/// Why a whole file cannot be imported (422, every error at once where it can tell).
#[derive(Debug, PartialEq, Eq)]
pub struct FileRefused(pub Vec<RowError>);

/// The header's columns by position; `None` for an empty trailing name (a trailing separator).
fn columns(header: &csv::StringRecord) -> Result<Vec<Option<&'static str>>, FileRefused> {
    let names: Vec<&str> = header.iter().collect();
    let last_named = names.iter().rposition(|h| !h.trim().is_empty());
    let mut errors = Vec::new();
    let mut seen: Vec<&'static str> = Vec::new();
    let mut out = Vec::with_capacity(header.len());
    for (i, name) in names.iter().enumerate() {
        let name = name.trim();
        if name.is_empty() && last_named.is_none_or(|l| i > l) {
            out.push(None);
            continue;
        }
        match COLUMNS.iter().find(|c| **c == name) {
            Some(c) if seen.contains(c) => errors.push(RowError::new(
                0,
                *c,
                Reason::new(Code::DuplicateColumn, "appears twice"),
            )),
            Some(c) => {
                seen.push(c);
                out.push(Some(*c));
            }
            None => errors.push(RowError::new(
                0,
                format!("column {}", i + 1),
                Reason::new(
                    Code::UnknownColumn,
                    format!("is not a known column; expected {}", COLUMNS.join(", ")),
                )
                .allowed(COLUMNS.iter().map(|c| (*c).to_owned()).collect()),
            )),
        }
    }
    for c in MANDATORY_COLUMNS {
        if !seen.contains(&c) {
            errors.push(RowError::new(
                0,
                c,
                Reason::new(Code::MissingColumn, "column is missing"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(FileRefused(errors))
    }
}

/// One record as a row; an error where it has a value beyond the header's columns.
fn row(
    number: usize,
    record: &csv::StringRecord,
    columns: &[Option<&'static str>],
) -> Result<ImportRow, RowError> {
    let mut fields = BTreeMap::new();
    for (i, value) in record.iter().enumerate() {
        // A cell the product wrote neutralised (`'=…`, `'+49…`) reads as it was.
        let value = csv_out::restored(value.trim()).trim();
        match columns.get(i).copied().flatten() {
            _ if value.is_empty() => {}
            Some(column) => {
                fields.insert(column.to_owned(), value.to_owned());
            }
            None => {
                return Err(RowError::new(
                    number,
                    format!("column {}", i + 1),
                    Reason::new(
                        Code::ValueWithoutColumn,
                        "has a value but no column name in the header",
                    ),
                ));
            }
        }
    }
    Ok(ImportRow { number, fields })
}

/// Reads a file: its header, then every record that is not blank (an empty line, or only
/// separators) as a row numbered from 1.
pub fn read(bytes: &[u8]) -> Result<ImportFile, FileRefused> {
    let text =
        import_text::decode(bytes).map_err(|r| FileRefused(vec![RowError::new(0, "file", r)]))?;
    let separator = import_text::separator(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|_| FileRefused(vec![RowError::new(0, "file", unreadable())]))?
        .clone();
    let columns = columns(&header)?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record
            .map_err(|_| FileRefused(vec![RowError::new(rows.len() + 1, "file", unreadable())]))?;
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let number = rows.len() + errors.len() + 1;
        if number > MAX_ROWS {
            return Err(FileRefused(vec![RowError::new(
                number,
                "file",
                Reason::new(
                    Code::TooManyRows,
                    format!("must have at most {MAX_ROWS} rows"),
                )
                .max(MAX_ROWS),
            )]));
        }
        match row(number, &record, &columns) {
            Ok(r) => rows.push(r),
            Err(e) => errors.push(e),
        }
        records.push(record.iter().map(str::to_owned).collect());
    }
    if !errors.is_empty() {
        return Err(FileRefused(errors));
    }
    let duplicates = duplicates(&rows);
    Ok(ImportFile {
        rows,
        duplicates,
        header: header.iter().map(str::to_owned).collect(),
        separator,
        records,
    })
}

/// A row identical in every field to an earlier one is an error on the later row.
fn duplicates(rows: &[ImportRow]) -> Vec<RowError> {
    let mut first: HashMap<&BTreeMap<String, String>, usize> = HashMap::new();
    let mut errors = Vec::new();
    for r in rows {
        match first.get(&r.fields) {
            Some(n) => errors.push(RowError::new(
                r.number,
                "row",
                Reason::new(Code::DuplicateRow, format!("duplicate of row {n}")).row(*n),
            )),
            None => {
                first.insert(&r.fields, r.number);
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(bytes: &[u8]) -> Vec<BTreeMap<String, String>> {
        read(bytes)
            .unwrap()
            .rows
            .into_iter()
            .map(|r| r.fields)
            .collect()
    }

    fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn refused(bytes: &[u8]) -> Vec<(usize, String, String)> {
        read(bytes)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| (e.row, e.field, e.reason.message))
            .collect()
    }

    #[test]
    fn a_semicolon_separated_file_with_a_bom_and_crlf_line_ends_is_read() {
        let file = b"\xEF\xBB\xBFtype;email;lastName\r\nperson;a@example.com;Muster\r\n";
        assert_eq!(
            rows(file),
            [fields(&[
                ("type", "person"),
                ("email", "a@example.com"),
                ("lastName", "Muster")
            ])]
        );
    }

    #[test]
    fn a_comma_separated_file_is_read() {
        let file = b"email,type\nb@example.com,company\n";
        assert_eq!(
            rows(file),
            [fields(&[("type", "company"), ("email", "b@example.com")])]
        );
    }

    #[test]
    fn quoted_fields_keep_their_separators_quotes_and_line_breaks() {
        let file = "type;email;companyName;street\r\n\
                    company;c@example.com;\"Muster; Sohn \"\"GmbH\"\"\";\"Hof 2\r\nHinterhaus\"\r\n";
        assert_eq!(
            rows(file.as_bytes()),
            [fields(&[
                ("type", "company"),
                ("email", "c@example.com"),
                ("companyName", "Muster; Sohn \"GmbH\""),
                ("street", "Hof 2\r\nHinterhaus"),
            ])]
        );
        let comma = b"type,email,companyName\ncompany,c@example.com,\"Muster, Sohn\"\n";
        assert_eq!(rows(comma)[0]["companyName"], "Muster, Sohn");
    }

    #[test]
    fn empty_lines_and_lines_of_separators_only_are_skipped_and_not_counted() {
        let file = b"type;email\n\nperson;a@example.com\n;\n\r\nperson;b@example.com\n\n";
        let file = read(file).unwrap();
        let numbers: Vec<_> = file.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 2]);
        assert_eq!(file.rows[1].fields["email"], "b@example.com");
    }

    #[test]
    fn trailing_separators_on_the_header_and_the_rows_are_no_columns() {
        let file = b"type;email;\nperson;a@example.com;\nperson;b@example.com;;\n";
        assert_eq!(rows(file).len(), 2);
        let extra = b"type;email\nperson;a@example.com;surplus\n";
        assert_eq!(
            refused(extra),
            [(
                1,
                "column 3".into(),
                "has a value but no column name in the header".into()
            )]
        );
    }

    #[test]
    fn blank_fields_are_not_given_and_values_are_trimmed() {
        let file = b"type;email;title\nperson; a@example.com ;  \n";
        assert_eq!(
            rows(file),
            [fields(&[("type", "person"), ("email", "a@example.com")])]
        );
    }

    #[test]
    fn an_unknown_column_is_refused_naming_its_position() {
        let errors = refused(b"type;email;Kundennummer\nperson;a@example.com;1\n");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, 0);
        assert_eq!(errors[0].1, "column 3");
        assert!(errors[0].2.starts_with("is not a known column"));
    }

    #[test]
    fn missing_mandatory_columns_and_repeated_columns_are_refused() {
        assert_eq!(
            refused(b"firstName;lastName;firstName\nA;B;C\n"),
            [
                (0, "firstName".into(), "appears twice".into()),
                (0, "type".into(), "column is missing".into()),
                (0, "email".into(), "column is missing".into()),
            ]
        );
        assert_eq!(
            refused(b""),
            [
                (0, "type".into(), "column is missing".into()),
                (0, "email".into(), "column is missing".into()),
            ]
        );
    }

    #[test]
    fn failed_rows_are_the_header_and_exactly_the_named_rows_as_the_file_had_them_neutralised() {
        // A quote inside an unquoted field is a character; a line of two empty quoted fields
        // is blank (not counted); a lone carriage return ends a record; formula starts get `'`.
        let file = "type;lastName;email;mobile\r\n\
                    person;Mu\"ster;a@example.com;\r\n\
                    \"\";\"\"\r\n\
                    person;=1+2;not-an-email;+49 170 1234567\r\
                    person;Beispiel;b@example.com;\n\
                    person;\"Hof \"\"A\"\"\";c@example.com;-5\r\n";
        let file = read(file.as_bytes()).unwrap();
        assert_eq!(file.rows.len(), 4);
        assert_eq!(file.rows[0].fields["lastName"], "Mu\"ster");
        assert_eq!(file.rows[1].fields["lastName"], "=1+2");
        assert_eq!(
            file.failed_rows([4, 2, 2, 0, 99]),
            "type;lastName;email;mobile\r\n\
             person;'=1+2;not-an-email;'+49 170 1234567\r\n\
             person;\"Hof \"\"A\"\"\";c@example.com;'-5\r\n"
        );
        assert_eq!(
            file.failed_rows([1]),
            "type;lastName;email;mobile\r\nperson;\"Mu\"\"ster\";a@example.com;\r\n"
        );
        assert_eq!(file.failed_rows([]), "type;lastName;email;mobile\r\n");
    }

    #[test]
    fn a_failed_rows_file_reads_back_as_the_rows_it_holds() {
        let file = b"type,lastName,email,mobile\nperson,Muster,a@example.com,+49 170 1234567\n";
        let file = read(file).unwrap();
        let again = read(file.failed_rows([1]).as_bytes()).unwrap();
        assert_eq!(again.rows[0].fields, file.rows[0].fields);
        assert_eq!(again.rows[0].fields["mobile"], "+49 170 1234567");
    }

    #[test]
    fn excels_unicode_text_in_utf16_with_tabs_is_read_and_its_failed_rows_keep_the_tabs() {
        let text = "type\temail\tlastName\r\nperson\tm@example.com\tMüller\r\n";
        let bytes = import_text::utf16le_with_bom(text);
        let file = read(&bytes).unwrap();
        assert_eq!(file.rows[0].fields["lastName"], "Müller");
        assert_eq!(file.separator, b'\t');
        assert!(file.failed_rows([1]).starts_with("type\temail\tlastName"));
    }

    #[test]
    fn a_workbook_uploaded_instead_of_a_csv_is_refused_as_a_whole_file() {
        let errors = refused(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00");
        assert_eq!(errors.len(), 1);
        let (row, field, message) = &errors[0];
        assert_eq!((*row, field.as_str()), (0, "file"));
        assert!(message.contains("Excel workbook"), "{message}");
    }

    #[test]
    fn windows_1252_is_decoded() {
        // "Müller;Straße" in Windows-1252: ü = 0xFC, ß = 0xDF.
        let file = b"type;email;lastName;street\nperson;m@example.com;M\xFCller;Stra\xDFe 1\n";
        let r = &rows(file)[0];
        assert_eq!(r["lastName"], "Müller");
        assert_eq!(r["street"], "Straße 1");
        // The same text in UTF-8 stays as it is.
        let utf8 = "type;email;lastName\nperson;m@example.com;Müller\n";
        assert_eq!(rows(utf8.as_bytes())[0]["lastName"], "Müller");
    }

    #[test]
    fn a_row_identical_to_an_earlier_one_is_a_duplicate_of_it_while_the_same_email_is_allowed() {
        let file = b"type;email;lastName\n\
                     person;a@example.com;A\n\
                     person;a@example.com;B\n\
                     person;a@example.com;A\n";
        let file = read(file).unwrap();
        assert_eq!(file.rows.len(), 3);
        assert_eq!(
            file.duplicates,
            [RowError::new(
                3,
                "row",
                Reason::new(Code::DuplicateRow, "duplicate of row 1").row(1)
            )]
        );
    }

    #[test]
    fn at_most_5000_rows() {
        let mut file = String::from("type;email\n");
        for i in 0..MAX_ROWS {
            file.push_str(&format!("person;p{i}@example.com\n"));
        }
        assert_eq!(read(file.as_bytes()).unwrap().rows.len(), MAX_ROWS);
        file.push_str("person;one-more@example.com\n");
        let errors = refused(file.as_bytes());
        assert_eq!(errors[0].0, MAX_ROWS + 1);
        assert_eq!(errors[0].1, "file");
    }

    #[test]
    fn a_row_becomes_the_input_of_a_create_with_the_address_nested() {
        let file = b"type;email;street;postalCode;city;country;lastName\n\
                     person;a@example.com;Hauptstr. 1;10115;Berlin;DE;Muster\n\
                     person;b@example.com;;;;;Muster\n";
        let file = read(file).unwrap();
        let input = file.rows[0].input();
        let address = input.address.unwrap();
        assert_eq!(address.postal_code.as_deref(), Some("10115"));
        assert_eq!(input.last_name.as_deref(), Some("Muster"));
        assert!(file.rows[1].input().address.is_none());
        assert_eq!(
            RowError::of_field(4, "address.city", &Reason::required()),
            RowError::new(4, "city", Reason::required())
        );
    }
}
