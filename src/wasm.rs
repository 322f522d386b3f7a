//! The wasm API used by the site's Web Worker: a thin shell over [`crate::evaluate`]. Small objects
//! cross the boundary through serde-wasm-bindgen; the big matrices as `Float32Array` + shape.

use crate::error::Error;
use crate::gpu::GpuContext;
use crate::schema::Request;
use crate::tensor::Matrix;
use js_sys::{Float32Array, Object, Reflect};
use serde::Serialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Installs the panic hook once, when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Every variant's catalog card, the workload kinds and the size limits
/// (`{variants, workloads, limits}`, as `attnscope catalog` prints).
#[wasm_bindgen]
pub fn catalog() -> std::result::Result<JsValue, JsValue> {
    to_js(&serde_json::json!({
        "variants": crate::attention::VariantSpec::catalog(),
        "workloads": crate::workload::catalog::catalog(),
        "limits": crate::workload::catalog::limits(),
    }))
}

/// Scores in-context regression learners (`attnscope icl`'s request and response, small
/// objects both ways). Synchronous: it runs in the engine's Web Worker, never on the page's thread.
#[wasm_bindgen(js_name = iclEvaluate)]
pub fn icl_evaluate(request: JsValue) -> std::result::Result<JsValue, JsValue> {
    let run = || -> crate::Result<crate::icl::IclResponse> {
        let value: serde_json::Value = serde_wasm_bindgen::from_value(request)
            .map_err(|e| Error::invalid("", format!("not an ICL request object: {e}")))?;
        crate::icl::evaluate(&crate::icl::IclRequest::from_value(value)?)
    };
    match run() {
        Ok(response) => to_js(&response),
        Err(e) => Err(to_js(&e.body()).unwrap_or_else(|js| js)),
    }
}

/// An ICL request answered in slices (`crate::icl::IclSession`): the worker calls `advance` with
/// a step budget, posts the curve points, and yields to its message loop between calls, so
/// pause and cancel act at once; `finish` scores every learner (the same response as
/// `iclEvaluate`).
#[wasm_bindgen]
pub struct IclTraining {
    session: crate::icl::IclSession,
}

#[wasm_bindgen]
impl IclTraining {
    /// Parses the request and sets up its trainers (initial weights, evaluation set, reference).
    #[wasm_bindgen(constructor)]
    pub fn new(request: JsValue) -> std::result::Result<IclTraining, JsValue> {
        let value: serde_json::Value = serde_wasm_bindgen::from_value(request)
            .map_err(|e| Error::invalid("", format!("not an ICL request object: {e}")))
            .map_err(|e| to_js(&e.body()).unwrap_or_else(|js| js))?;
        let request = crate::icl::IclRequest::from_value(value)
            .map_err(|e| to_js(&e.body()).unwrap_or_else(|js| js))?;
        Ok(IclTraining {
            session: crate::icl::IclSession::new(request),
        })
    }

    /// Trains for up to `budget` steps: `{learner, step, steps, points, done}`.
    pub fn advance(&mut self, budget: u32) -> std::result::Result<JsValue, JsValue> {
        to_js(&self.session.advance(budget as usize))
    }

    /// Whether every trainable learner has finished.
    pub fn done(&self) -> bool {
        self.session.done()
    }

    /// Scores every learner: the `attnscope icl` response.
    pub fn finish(&self) -> std::result::Result<JsValue, JsValue> {
        match self.session.finish() {
            Ok(response) => to_js(&response),
            Err(e) => Err(to_js(&e.body()).unwrap_or_else(|js| js)),
        }
    }
}

/// The engine of one worker: the GPU context (if any) created once and reused.
#[wasm_bindgen]
pub struct Engine {
    gpu: Rc<std::result::Result<GpuContext, String>>,
}

#[wasm_bindgen]
impl Engine {
    /// Creates the engine, trying to open a WebGPU device. Never rejects: without WebGPU the
    /// engine runs the CPU reference, and `deviceInfo().note` says why.
    pub async fn create() -> Engine {
        let gpu = GpuContext::new().await.map_err(|e| e.message());
        Engine { gpu: Rc::new(gpu) }
    }

    /// `{gpu, note, adapter}`: whether a GPU is in use, why not, and which adapter.
    #[wasm_bindgen(js_name = deviceInfo)]
    pub fn device_info(&self) -> std::result::Result<JsValue, JsValue> {
        let info = match self.gpu.as_ref() {
            Ok(ctx) => serde_json::json!({"gpu": true, "note": "", "adapter": ctx.adapter()}),
            Err(note) => serde_json::json!({"gpu": false, "note": note, "adapter": null}),
        };
        to_js(&info)
    }

    /// Destroys the WebGPU device as a driver reset would (the page's fault drill): later
    /// requests on `auto` run on the CPU path and say why in `backend_note`.
    #[wasm_bindgen(js_name = simulateDeviceLoss)]
    pub fn simulate_device_loss(&self) {
        if let Ok(ctx) = self.gpu.as_ref() {
            ctx.simulate_device_loss();
        }
    }

    /// Panics inside the wasm core, as a bug would (the page's fault drill: the worker must
    /// report it and be replaced, never hang the page).
    #[wasm_bindgen(js_name = simulatePanic)]
    pub fn simulate_panic(&self) {
        panic!("a simulated panic (fault drill)");
    }

    /// Evaluates a Request (a plain JS object with the CLI's JSON schema). Resolves to the
    /// Response, with `output` / `attention` as `{rows, cols, data: Float32Array}`; rejects with
    /// `{field, message}`.
    pub fn evaluate(&self, request: JsValue) -> js_sys::Promise {
        let gpu = Rc::clone(&self.gpu);
        wasm_bindgen_futures::future_to_promise(async move {
            let result = evaluate_js(request, &gpu).await;
            result.map_err(|e| to_js(&e.body()).unwrap_or_else(|js| js))
        })
    }
}

async fn evaluate_js(
    request: JsValue,
    gpu: &std::result::Result<GpuContext, String>,
) -> crate::Result<JsValue> {
    let value: serde_json::Value = serde_wasm_bindgen::from_value(request)
        .map_err(|e| Error::invalid("", format!("not a Request object: {e}")))?;
    let request = Request::from_value(value)?;
    let availability = match gpu {
        Ok(ctx) => Ok(ctx),
        Err(note) => Err(note.as_str()),
    };
    let mut response = crate::evaluate(&request, availability).await?;
    let output = response.output.take();
    let attention = response.attention.take();
    let object = to_js(&response).map_err(|_| internal("the response"))?;
    set(&object, "output", output.as_ref())?;
    set(&object, "attention", attention.as_ref())?;
    Ok(object)
}

fn set(object: &JsValue, key: &str, matrix: Option<&Matrix>) -> crate::Result<()> {
    let value = match matrix {
        Some(m) => {
            let js = Object::new();
            Reflect::set(&js, &"rows".into(), &(m.rows() as u32).into())
                .and_then(|_| Reflect::set(&js, &"cols".into(), &(m.cols() as u32).into()))
                .and_then(|_| Reflect::set(&js, &"data".into(), &Float32Array::from(m.data())))
                .map_err(|_| internal(key))?;
            JsValue::from(js)
        }
        None => JsValue::NULL,
    };
    Reflect::set(object, &key.into(), &value).map_err(|_| internal(key))?;
    Ok(())
}

fn internal(what: &str) -> Error {
    Error::Numerical {
        field: what.into(),
        message: format!("could not convert {what} to a JS value"),
    }
}

/// Plain JS objects (not `Map`s) for every serde map.
fn to_js<T: Serialize>(value: &T) -> std::result::Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value.serialize(&serializer).map_err(JsValue::from)
}
