//! The ids of the product's objects as types: server-chosen and opaque, parsed once where they
//! enter (a path segment, a stored item), so that an id that cannot be ours is 404 before any
//! use case runs and a customer's id cannot be passed where an access's is meant.

use serde::Deserialize;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
        #[serde(try_from = "String")]
        pub struct $name(String);

        impl $name {
            /// Accepts anything that could be an id of ours (`ids::plausible`); an unknown id
            /// is then simply not found.
            pub fn parse(raw: &str) -> Result<Self, String> {
                if crate::ids::plausible(raw) {
                    Ok(Self(raw.to_owned()))
                } else {
                    Err("is not a valid id".into())
                }
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(raw: String) -> Result<Self, String> {
                Self::parse(&raw)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// A customer (`cus_` + 26 lower-case base32 characters).
    CustomerId
);
id_type!(
    /// An access of a customer (`acc_…`).
    AccessId
);
id_type!(
    /// A business transaction (`trx_…`).
    TransactionId
);
id_type!(
    /// A specialist of the directory (chosen by the directory, e.g. a user pool's user name).
    SpecialistId
);
id_type!(
    /// An import of customers (`imp_…`).
    ImportId
);
id_type!(
    /// A handover of a specialist's responsibilities (`hnd_…`).
    HandoverId
);

impl CustomerId {
    /// A new id, ordered by `now` among the others.
    pub fn new(now: time::OffsetDateTime) -> Self {
        Self(crate::ids::new_id("cus", now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_parses_from_a_path_segment_and_one_that_cannot_be_ours_does_not() {
        let ok: (CustomerId, AccessId) = serde_json::from_str(r#"["cus_01", "acc_02"]"#).unwrap();
        assert_eq!((ok.0.as_str(), ok.1.as_str()), ("cus_01", "acc_02"));
        for bad in [
            r#""""#,
            r#""a#b""#,
            r#""a/b""#,
            &format!("{:?}", "x".repeat(65)),
        ] {
            assert!(serde_json::from_str::<TransactionId>(bad).is_err(), "{bad}");
        }
    }
}
