"""The embedded provider's pure parts: the plain prompt a base model continues, and stable ids."""

import copy

from extractor.providers.embedded import plain_prompt, stable_ids


def _response() -> dict[str, object]:
    call = {
        "id": "call__0_Names_cmpl-random",
        "type": "function",
        "function": {"name": "Names", "arguments": '{"names": ["Dixon"]}'},
    }
    return {
        "id": "chatcmpl-random",
        "created": 1763700000,
        "choices": [{"index": 0, "message": {"role": "assistant", "tool_calls": [call]}}],
    }


def test_ids_follow_the_request_not_the_clock() -> None:
    request = {"messages": [{"role": "user", "content": "Sentence: Dixon makes phones."}]}
    first, second = stable_ids(_response(), request), stable_ids(_response(), request)
    assert first == second
    assert first["created"] == 0 and "random" not in str(first)
    other = stable_ids(_response(), {"messages": [{"role": "user", "content": "other"}]})
    assert other["id"] != first["id"]


def test_reask_turns_are_rendered_as_text() -> None:
    response = _response()
    assistant = copy.deepcopy(response["choices"][0]["message"])  # type: ignore[index]
    messages = [
        {"role": "user", "content": "Copy the names.\n\nSentence: Dixon makes phones.\nCompanies:"},
        assistant,
        {"role": "tool", "content": "1 validation error: names too short"},
    ]
    prompt = plain_prompt(messages)
    assert prompt.startswith("Copy the names.")
    assert '{"names": ["Dixon"]}' in prompt
    assert "Correction needed: 1 validation error" in prompt
    assert prompt.endswith("\n")
