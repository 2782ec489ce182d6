"""Protocol conformance of the lazylab kernel with Debian's jupyter_kernel_test."""
import unittest

import jupyter_kernel_test


class LazylabConformance(jupyter_kernel_test.KernelTests):
    kernel_name = "lazylab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("oops")'
    completion_samples = [
        {"text": "Math.flo", "matches": {"floor"}},
        {"text": 'const zebra_count = 1; zebra_c', "matches": {"zebra_count"}},
    ]
    complete_code_samples = ["1 + 1", "const x = 1", "function f() { return 1 }"]
    incomplete_code_samples = ["function f() {", "const a = [1, 2,", "if (true) {"]
    invalid_code_samples = ["const const = 1", "1 +* 2 )"]
    code_page_something = None
    code_generate_error = 'throw new Error("boom")'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"a" + "b"', "result": "'ab'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
    ]
    code_display_data = [
        {"code": 'display({ a: 1 })', "mime": "text/plain"},
        {"code": 'displayBundle({ "text/html": "<b>hi</b>", "text/plain": "hi" })', "mime": "text/html"},
    ]
    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.floor"
    code_clear_output = "clearOutput()"


if __name__ == "__main__":
    unittest.main()
