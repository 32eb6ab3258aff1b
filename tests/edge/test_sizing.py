"""What `carellm doctor` says about the edge path, from the measured figures."""

from __future__ import annotations

from carellm.edge.sizing import EDGE_3B, edge_advice, expected_decode_tok_s, memory_gib


def test_the_advice_names_the_export_and_the_run_commands():
    text = "\n".join(edge_advice(available_ram_gib=64, free_disk_gib=500, bandwidth_gb_s=None))
    assert "carellm export mnn --model Qwen/Qwen2.5-Omni-3B" in text and "--backend mnn" in text
    assert "Expected here" not in text and "close other programs" not in text


def test_too_little_ram_or_disk_is_said():
    text = "\n".join(edge_advice(available_ram_gib=0.5, free_disk_gib=0.1, bandwidth_gb_s=None))
    assert "close other programs" in text and "disk free" in text


def test_the_expected_speed_scales_with_memory_bandwidth():
    assert expected_decode_tok_s(EDGE_3B.bandwidth_gb_s) == EDGE_3B.decode_tok_s
    assert expected_decode_tok_s(2 * EDGE_3B.bandwidth_gb_s) == 2 * EDGE_3B.decode_tok_s
    assert "Expected here" in "\n".join(edge_advice(64, 500, bandwidth_gb_s=EDGE_3B.bandwidth_gb_s))


def test_this_machine_reports_its_memory():
    total, available = memory_gib()
    assert total is not None and total > 0 and (available is None or 0 < available <= total)
