//! AWS regions and their partitions: which partition a region belongs to, and whether a name is a
//! region at all (so that a typo does not give ProductArns that Security Hub rejects).
//!
//! A region is accepted when it is one of the known regions or when it matches its partition's
//! region pattern exactly (the AWS SDKs' `regionRegex`, e.g. `^(us|eu|ap|…)-\w+-\d+$` for `aws`), so
//! that a region opened after this release is still accepted while `us-east-1a` (an availability
//! zone) or `mars-north-1` are not.
//!
//! ```
//! use asff_core::region::{partition_of, check_region};
//! assert_eq!(partition_of("cn-north-1"), Some("aws-cn"));
//! assert_eq!(partition_of("ap-southeast-9"), Some("aws")); // not known yet, but well-formed
//! assert!(check_region("us-east-1a").is_err());
//! assert!(check_region("mars-north-1").is_err());
//! ```

/// A partition: its name, the region name prefixes of its pattern and its known regions.
struct Partition {
    name: &'static str,
    /// `prefix-\w+-\d+` for each prefix (a prefix may have a dash: `us-gov`).
    prefixes: &'static [&'static str],
    regions: &'static [&'static str],
}

const PARTITIONS: &[Partition] = &[
    // the more specific prefixes (us-gov, us-iso, …) are not `aws` regions: `gov-west` is not
    // `\w+` followed by `-\d+`, so the order does not matter, but the narrow ones come first
    Partition {
        name: "aws-us-gov",
        prefixes: &["us-gov"],
        regions: &["us-gov-west-1", "us-gov-east-1"],
    },
    Partition {
        name: "aws-iso",
        prefixes: &["us-iso"],
        regions: &["us-iso-east-1", "us-iso-west-1"],
    },
    Partition {
        name: "aws-iso-b",
        prefixes: &["us-isob"],
        regions: &["us-isob-east-1"],
    },
    Partition {
        name: "aws-iso-e",
        prefixes: &["eu-isoe"],
        regions: &["eu-isoe-west-1"],
    },
    Partition {
        name: "aws-iso-f",
        prefixes: &["us-isof"],
        regions: &["us-isof-south-1", "us-isof-east-1"],
    },
    Partition {
        name: "aws-eusc",
        prefixes: &["eusc-de"],
        regions: &["eusc-de-east-1"],
    },
    Partition {
        name: "aws-cn",
        prefixes: &["cn"],
        regions: &["cn-north-1", "cn-northwest-1"],
    },
    Partition {
        name: "aws",
        prefixes: &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
        regions: &[
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "eu-south-1",
            "eu-south-2",
            "eu-north-1",
            "il-central-1",
            "me-south-1",
            "me-central-1",
            "mx-central-1",
            "sa-east-1",
        ],
    },
];

/// The partitions' names.
pub const PARTITION_NAMES: [&str; 8] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// `\w+-\d+` on a region name's rest after the prefix and its dash: a word of lowercase letters
/// and digits, a dash, a number.
fn is_word_dash_number(rest: &str) -> bool {
    let Some((word, number)) = rest.rsplit_once('-') else {
        return false;
    };
    !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// The partition of a region: a known region's, else that of the partition whose pattern the
/// name matches; `None` when it is no region name.
pub fn partition_of(region: &str) -> Option<&'static str> {
    if let Some(p) = PARTITIONS.iter().find(|p| p.regions.contains(&region)) {
        return Some(p.name);
    }
    PARTITIONS
        .iter()
        .find(|p| {
            p.prefixes.iter().any(|prefix| {
                region
                    .strip_prefix(prefix)
                    .and_then(|r| r.strip_prefix('-'))
                    .is_some_and(is_word_dash_number)
            })
        })
        .map(|p| p.name)
}

/// Why a region or partition is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    #[error("region {0:?} is not an AWS region (like us-east-1, cn-north-1 or us-gov-west-1; an availability zone such as us-east-1a is not a region)")]
    Region(String),
    #[error("partition {0:?} is not one of aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc")]
    Partition(String),
    #[error("partition {partition:?} does not agree with region {region:?}, which is in partition {expected:?} (leave the partition out: it follows from the region)")]
    Mismatch {
        region: String,
        partition: String,
        expected: &'static str,
    },
}

/// Checks a region name; returns its partition.
pub fn check_region(region: &str) -> Result<&'static str, RegionError> {
    partition_of(region).ok_or_else(|| RegionError::Region(region.to_string()))
}

/// Checks that `partition` is one and that `region` is in it.
pub fn check_partition(region: &str, partition: &str) -> Result<(), RegionError> {
    if !PARTITION_NAMES.contains(&partition) {
        return Err(RegionError::Partition(partition.to_string()));
    }
    let expected = check_region(region)?;
    if expected != partition {
        return Err(RegionError::Mismatch {
            region: region.to_string(),
            partition: partition.to_string(),
            expected,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_region_is_in_its_partition_and_matches_its_pattern() {
        for p in PARTITIONS {
            assert!(PARTITION_NAMES.contains(&p.name));
            for r in p.regions {
                assert_eq!(partition_of(r), Some(p.name), "{r}");
                let matches = p.prefixes.iter().any(|prefix| {
                    r.strip_prefix(prefix)
                        .and_then(|r| r.strip_prefix('-'))
                        .is_some_and(is_word_dash_number)
                });
                assert!(matches, "{r} does not match {}'s pattern", p.name);
            }
        }
    }

    #[test]
    fn partitions_follow_from_regions() {
        for (r, p) in [
            ("us-east-1", "aws"),
            ("eu-west-1", "aws"),
            ("ap-southeast-9", "aws"),
            ("cn-north-1", "aws-cn"),
            ("cn-south-7", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("us-isof-south-1", "aws-iso-f"),
            ("eusc-de-east-1", "aws-eusc"),
        ] {
            assert_eq!(partition_of(r), Some(p), "{r}");
        }
    }

    #[test]
    fn what_is_no_region() {
        for r in [
            "",
            "us-east-1a",
            "mars-north-1",
            "US-EAST-1",
            "us-east",
            "us--1",
            "us-east-",
            "useast1",
            " us-east-1",
            "us-east-1 ",
            "eusc-fr-east-1",
            "local",
        ] {
            assert_eq!(partition_of(r), None, "{r:?}");
            assert!(matches!(check_region(r), Err(RegionError::Region(_))));
        }
    }

    #[test]
    fn the_partition_must_agree() {
        assert!(check_partition("cn-north-1", "aws-cn").is_ok());
        assert_eq!(
            check_partition("cn-north-1", "aws"),
            Err(RegionError::Mismatch {
                region: "cn-north-1".into(),
                partition: "aws".into(),
                expected: "aws-cn"
            })
        );
        assert!(matches!(
            check_partition("us-east-1", "mars"),
            Err(RegionError::Partition(_))
        ));
        let e = check_partition("cn-north-1", "aws")
            .unwrap_err()
            .to_string();
        assert!(e.contains("aws-cn"), "{e}");
    }
}
