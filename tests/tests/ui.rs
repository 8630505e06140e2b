//! Every refused input is a compile error under the offending token.

use std::path::Path;

#[test]
fn refused_inputs() {
    // trybuild compiles the cases in a crate of its own under the target
    // directory, and the macro resolves config files against that crate's
    // manifest directory: put the fixtures there.
    let project = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("tests/trybuild/attesto-tests/fixtures");
    std::fs::create_dir_all(&project).expect("fixture dir");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/fixtures");
    for entry in std::fs::read_dir(&fixtures).expect("fixtures") {
        let path = entry.expect("fixture").path();
        let name = path.file_name().expect("file name");
        std::fs::copy(&path, project.join(name)).expect("copy fixture");
    }

    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}
