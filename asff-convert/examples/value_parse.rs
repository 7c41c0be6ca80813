//! The benchmark's baseline (`benches/memory.sh`): reads a JSON report and parses it into a
//! `serde_json::Value`, nothing else.

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: value_parse REPORT.json"))?;
    let bytes = std::fs::read(&path)?;
    let v: serde_json::Value = serde_json::from_slice(&bytes)?;
    // use the value so that the parse is not optimised away
    eprintln!("{}", if v.is_object() { "object" } else { "other" });
    Ok(())
}
