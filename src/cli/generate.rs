//! `planls generate`: writes the workspace that [`crate::generate`] makes into a new folder.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use crate::cli::{GenerateArgs, EXIT_OK, EXIT_TROUBLE};
use crate::generate::{self, Params};

/// Writes the files and one line saying what they hold. Problems are one line on `stderr` each,
/// with exit status 2; errors writing to `stdout` or `stderr` are returned.
pub fn run(args: &GenerateArgs, mut stdout: impl Write, mut stderr: impl Write) -> io::Result<u8> {
    let out = &args.out;
    if let Some(problem) = unusable(out, args.force) {
        writeln!(stderr, "planls: {problem}")?;
        return Ok(EXIT_TROUBLE);
    }
    let initiatives = args.initiatives as usize;
    let params = Params {
        initiatives,
        files: args
            .files
            .map_or_else(|| generate::default_files(initiatives), |f| f as usize),
        seed: args.seed,
        unresolved_percent: args.unresolved,
    };
    let generated = generate::generate(&params);
    for (path, text) in &generated.files {
        let path = path
            .split('/')
            .fold(out.to_path_buf(), |full, part| full.join(part));
        let written = match path.parent() {
            Some(parent) => fs::create_dir_all(parent),
            None => Ok(()),
        }
        .and_then(|()| fs::write(&path, text));
        if let Err(error) = written {
            writeln!(stderr, "planls: cannot write {}: {error}", path.display())?;
            return Ok(EXIT_TROUBLE);
        }
    }
    let s = &generated.summary;
    writeln!(
        stdout,
        "wrote {} files ({} bytes) to {}: {} teams, {} people, {} initiatives, {} milestones, \
         {} risks; {} references, {} of them unresolved",
        s.files,
        s.bytes,
        out.display(),
        s.teams,
        s.people,
        s.initiatives,
        s.milestones,
        s.risks,
        s.references,
        s.unresolved
    )?;
    Ok(EXIT_OK)
}

/// Why `out` cannot be written to: it is not a folder, or not empty and `force` is not given.
fn unusable(out: &Path, force: bool) -> Option<String> {
    let shown = out.display();
    match fs::metadata(out) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(error) => Some(format!("cannot use {shown}: {error}")),
        Ok(metadata) if !metadata.is_dir() => Some(format!("{shown} exists and is not a folder")),
        Ok(_) if force => None,
        Ok(_) => match fs::read_dir(out).map(|mut entries| entries.next().is_some()) {
            Err(error) => Some(format!("cannot read {shown}: {error}")),
            Ok(true) => Some(format!(
                "{shown} is not empty: give an empty or new folder, or --force to write into it"
            )),
            Ok(false) => None,
        },
    }
}
