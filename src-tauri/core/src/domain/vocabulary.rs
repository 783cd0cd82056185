//! One macro for every closed set of SOP values, so each has exactly one code,
//! one label and one parser, and an unknown value is a clear error that lists
//! the valid ones.

use std::fmt;

/// A value that is not one of a vocabulary's codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    pub vocabulary: &'static str,
    pub value: String,
    pub expected: Vec<&'static str>,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' is not a valid {}; expected one of: {}",
            self.value,
            self.vocabulary,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownValue {}

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident ($noun:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal => $label:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, ts_rs::TS)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code used on the wire, in the database and on the CLI.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The human label shown in the UI and in messages.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::UnknownValue;

            /// Accepts the code in any case, with `-` or `_` as separators.
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                let wanted = value.trim().to_ascii_lowercase().replace('-', "_");
                Self::ALL
                    .iter()
                    .copied()
                    .find(|candidate| candidate.code().eq_ignore_ascii_case(&wanted))
                    .ok_or_else(|| $crate::domain::UnknownValue {
                        vocabulary: $noun,
                        value: value.to_string(),
                        expected: Self::ALL.iter().map(|v| v.code()).collect(),
                    })
            }
        }
    };
}
