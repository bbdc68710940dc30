//! `verifyReceipt` and `receiptPublicKey`: checking the Ed25519 signature of an erasure receipt.

use crate::convert::bytes_arg;
use crate::convert::json_to_js;
use crate::error::{invalid_argument, to_js_error};
use wasm_bindgen::prelude::*;

/// Verifies a receipt (the object `job.receipt(...)` or `job.run(...)` gave, or its JSON text)
/// and returns its signed content. With `publicKey` (hex) it must also be signed by that key;
/// without, only integrity is proven. Any edit throws `bad_signature`; something that is not
/// a receipt throws `invalid_receipt`.
#[wasm_bindgen(js_name = verifyReceipt, unchecked_return_type = "ReceiptBody")]
pub fn verify_receipt(
    #[wasm_bindgen(unchecked_param_type = "Receipt | string")] receipt: JsValue,
    #[wasm_bindgen(js_name = publicKey)] public_key: Option<String>,
) -> Result<JsValue, JsValue> {
    let json = match receipt.as_string() {
        Some(text) => text,
        None if receipt.is_object() => js_sys::JSON::stringify(&receipt)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| invalid_argument("receipt", "cannot be written as JSON"))?,
        None => {
            return Err(invalid_argument(
                "receipt",
                "expected a receipt object or its JSON text",
            ))
        }
    };
    let body =
        erasekit_core::verify_receipt(&json, public_key.as_deref()).map_err(|e| to_js_error(&e))?;
    json_to_js(&body)
}

/// The public key (hex) of a 32-byte Ed25519 signing key: publish it so others can verify
/// your receipts with `verifyReceipt(receipt, publicKey)`.
#[wasm_bindgen(js_name = receiptPublicKey)]
pub fn receipt_public_key(
    #[wasm_bindgen(js_name = signingKey, unchecked_param_type = "Uint8Array")] signing_key: JsValue,
) -> Result<String, JsValue> {
    let key = bytes_arg(&signing_key, "signingKey")?;
    erasekit_core::receipt_public_key(&key).map_err(|e| to_js_error(&e))
}
