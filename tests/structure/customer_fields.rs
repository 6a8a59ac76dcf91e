//! A customer's fields are listed in five places: the request (`CustomerInput`), the table's
//! item (`CustomerItem`) with the attributes an update may remove (`CUSTOMER_OPTIONAL_ATTRS`),
//! the answer (`CustomerView`), and the import's columns. The request is the one list; this
//! holds the four others to it, so that a field added to one and forgotten in another fails
//! here instead of silently going unstored, unshown or unimportable.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::collections::BTreeSet;

/// The field names (as serialised) of a struct that derives `Deserialize`: serde hands them to
/// the deserializer, which records them and stops.
fn fields_of<'de, T: Deserialize<'de>>() -> BTreeSet<&'static str> {
    struct Recorder(Option<&'static [&'static str]>);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("fields recorded")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> Deserializer<'de> for &mut Recorder {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut recorder = Recorder(None);
    let _ = T::deserialize(&mut recorder);
    let fields = recorder
        .0
        .expect("a struct deriving Deserialize names its fields");
    fields.iter().copied().collect()
}

fn without(all: BTreeSet<&'static str>, left_out: &[&str]) -> BTreeSet<&'static str> {
    all.into_iter().filter(|f| !left_out.contains(f)).collect()
}

/// The customer's data as a client sends it, the address's parts at the top level as the table
/// and the import have them: the one list.
fn customer_fields() -> BTreeSet<&'static str> {
    let mut fields = without(
        fields_of::<shared::domain::CustomerInput>(),
        &["type", "address", "version"],
    );
    fields.extend(fields_of::<shared::domain::AddressInput>());
    assert!(fields.len() >= 18, "read CustomerInput: {fields:?}");
    fields
}

#[test]
fn the_table_item_stores_every_field_of_a_customer_and_no_other_data() {
    let item = without(
        fields_of::<shared::store::CustomerItem>(),
        &[
            "pk",
            "sk",
            "id",
            "customerType",
            "displayName",
            "version",
            "createdAt",
            "updatedAt",
            "gsi1pk",
            "gsi1sk",
            "gsi2pk",
            "gsi2sk",
            "deleting",
            "deletedBy",
            "idempotencyPk",
            "adminCount",
        ],
    );
    assert_eq!(item, customer_fields());
}

#[test]
fn an_update_may_remove_every_optional_field_of_a_customer() {
    let mut optional: BTreeSet<&str> = shared::store::CUSTOMER_OPTIONAL_ATTRS
        .iter()
        .copied()
        .collect();
    // The two fields every customer has: an update replaces them and never removes them.
    optional.extend(["email", "language"]);
    assert_eq!(optional, customer_fields());
}

#[test]
fn the_answer_shows_every_field_of_a_customer() {
    let mut view = without(
        fields_of::<shared::views::CustomerView>(),
        &[
            "id",
            "type",
            "address",
            "displayName",
            "version",
            "createdAt",
            "updatedAt",
            "accesses",
        ],
    );
    view.extend(fields_of::<shared::views::AddressView>());
    assert_eq!(view, customer_fields());
}

#[test]
fn the_import_has_a_column_for_every_field_of_a_customer() {
    let columns = without(
        shared::domain::IMPORT_COLUMNS.iter().copied().collect(),
        &["type"],
    );
    assert_eq!(columns, customer_fields());
}
