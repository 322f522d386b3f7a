//! The `attnscope` CLI: `attnscope eval` reads one Request (JSON) on stdin and writes the Response
//! (JSON) on stdout. Bad input: exit status 2 and `{"error": {"field", "message"}}` on stdout.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use attnscope::{Error, Request};
    use std::io::{Read, Write};
    use std::process::ExitCode;

    const USAGE: &str = "\
attnscope: softmax and linear attention, CPU reference and GPU (wgpu)

USAGE:
    attnscope eval        read one Request as JSON on stdin, write the Response as JSON on stdout
    attnscope icl         read one in-context regression request (JSON) on stdin, write the
                          learners' risks and closed forms as JSON on stdout
    attnscope catalog     print every variant's card (paper, cost, parameters, formula), the workload
                          kinds with their parameters, and the size limits, as JSON
    attnscope device      print the GPU adapter (or why there is none) as JSON
    attnscope --help      this text
    attnscope --version   the version

Exit status: 0 ok, 2 bad request, 1 GPU or internal failure. The schema is in docs/api.md.";

    pub fn main() -> ExitCode {
        let args: Vec<String> = std::env::args().skip(1).collect();
        match args
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["eval"] => eval(),
            ["icl"] => icl(),
            ["device"] => device(),
            ["catalog"] => {
                let catalog = attnscope::attention::VariantSpec::catalog();
                emit(
                    &serde_json::json!({
                        "variants": catalog,
                        "workloads": attnscope::workload::catalog::catalog(),
                        "limits": attnscope::workload::catalog::limits(),
                    })
                    .to_string(),
                    ExitCode::SUCCESS,
                )
            }
            ["--version" | "-V"] => emit(
                &format!("attnscope {}", env!("CARGO_PKG_VERSION")),
                ExitCode::SUCCESS,
            ),
            ["--help" | "-h" | "help"] => emit(USAGE, ExitCode::SUCCESS),
            _ => {
                let _ = writeln!(std::io::stderr(), "{USAGE}");
                ExitCode::from(2)
            }
        }
    }

    fn eval() -> ExitCode {
        let mut text = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut text) {
            return fail(&Error::invalid("", format!("could not read stdin: {e}")));
        }
        let request = match Request::from_json_str(&text) {
            Ok(r) => r,
            Err(e) => return fail(&e),
        };
        // The one blocking site of the crate: the native CLI drives the async engine itself.
        let gpu = if request.backend == attnscope::schema::BackendChoice::Cpu {
            Err(Error::NoAdapter {
                reason: "not requested".into(),
            })
        } else {
            pollster::block_on(attnscope::gpu::GpuContext::new())
        };
        let reason = gpu.as_ref().err().map(Error::message);
        let availability = match &gpu {
            Ok(ctx) => Ok(ctx),
            Err(_) => Err(reason.as_deref().unwrap_or("unknown")),
        };
        match pollster::block_on(attnscope::evaluate(&request, availability)) {
            Ok(response) => match serde_json::to_string(&response) {
                Ok(json) => emit(&json, ExitCode::SUCCESS),
                Err(e) => fail(&Error::Numerical {
                    field: "".into(),
                    message: format!("could not serialise the response: {e}"),
                }),
            },
            Err(e) => fail(&e),
        }
    }

    fn icl() -> ExitCode {
        let mut text = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut text) {
            return fail(&Error::invalid("", format!("could not read stdin: {e}")));
        }
        let value = match attnscope::schema::json::parse_strict(&text) {
            Ok(v) => v,
            Err(e) => return fail(&e),
        };
        let response = attnscope::icl::IclRequest::from_value(value)
            .and_then(|request| attnscope::icl::evaluate(&request));
        match response.map(|r| serde_json::to_string(&r)) {
            Ok(Ok(json)) => emit(&json, ExitCode::SUCCESS),
            Ok(Err(e)) => fail(&Error::Numerical {
                field: "".into(),
                message: format!("could not serialise the response: {e}"),
            }),
            Err(e) => fail(&e),
        }
    }

    fn device() -> ExitCode {
        let json = match pollster::block_on(attnscope::gpu::GpuContext::new()) {
            Ok(ctx) => serde_json::json!({"gpu": true, "adapter": ctx.adapter(), "note": ""}),
            Err(e) => serde_json::json!({"gpu": false, "adapter": null, "note": e.message()}),
        };
        emit(&json.to_string(), ExitCode::SUCCESS)
    }

    fn fail(error: &Error) -> ExitCode {
        let status = if error.is_bad_input() {
            ExitCode::from(2)
        } else {
            ExitCode::from(1)
        };
        emit(
            &serde_json::json!({ "error": error.body() }).to_string(),
            status,
        )
    }

    /// Writes `text` and a newline to stdout and returns `status`; a reader that has gone away
    /// (a closed pipe) is exit status 1 with a line on stderr, never a panic as `println!` gives.
    fn emit(text: &str, status: ExitCode) -> ExitCode {
        let mut out = std::io::stdout().lock();
        match writeln!(out, "{text}").and_then(|()| out.flush()) {
            Ok(()) => status,
            Err(e) => {
                // stderr may be closed too: ignore that as well.
                let _ = writeln!(
                    std::io::stderr(),
                    "attnscope: could not write the output: {e}"
                );
                ExitCode::from(1)
            }
        }
    }
}
