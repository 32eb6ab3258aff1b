"""`carellm train`: fine-tune the Qwen2.5-Omni thinker from a recipe (recipes/*.yaml)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(
    help="Fine-tuning: recipes/*.yaml on the unified schema or TRL messages JSONL.", no_args_is_help=True
)
console = Console(highlight=False)


def _overrides(
    data: Path | None, eval_data: Path | None, model: str | None, output_dir: Path | None, extra: list[str]
) -> dict[str, object]:
    from carellm.train.config import parse_overrides

    flags = {"data": data, "eval_data": eval_data, "model": model, "output_dir": output_dir}
    values: dict[str, object] = {k: str(v) for k, v in flags.items() if v is not None}
    return {**values, **parse_overrides(extra)}


@app.command("sft", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def sft(
    ctx: typer.Context,
    recipe: Path = typer.Option(
        ..., "--recipe", help="A recipe: recipes/lora.yaml, qlora, full, multimodal."
    ),
    data: Path | None = typer.Option(None, "--data", help="Training JSONL (unified schema or TRL messages)."),
    eval_data: Path | None = typer.Option(None, "--eval-data", help="Validation JSONL (validation loss)."),
    model: str | None = typer.Option(None, "--model", help="A Qwen2.5-Omni checkpoint (id or folder)."),
    output_dir: Path | None = typer.Option(
        None, "--output-dir", help="Where checkpoints and the adapter go."
    ),
) -> None:
    """Supervised fine-tuning; trailing key=value pairs override recipe fields (learning_rate=5e-5)."""
    from carellm.train.config import SFTRecipe, load_recipe
    from carellm.train.sft import run_sft

    config = load_recipe(SFTRecipe, recipe, _overrides(data, eval_data, model, output_dir, list(ctx.args)))
    result = run_sft(config)
    eval_text = f", validation loss {result.eval_loss:.4f}" if result.eval_loss is not None else ""
    loss = f"training loss {result.train_loss:.4f}{eval_text}"
    console.print(f"Trained {result.steps} steps: {loss}. Saved to {result.output_dir}.")


@app.command("dpo", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def dpo(
    ctx: typer.Context,
    recipe: Path = typer.Option(..., "--recipe", help="A DPO recipe: recipes/dpo.yaml."),
    data: Path | None = typer.Option(
        None, "--data", help="Preference pairs (carellm feedback export --to dpo)."
    ),
    eval_data: Path | None = typer.Option(None, "--eval-data", help="Validation pairs."),
    model: str | None = typer.Option(None, "--model", help="A Qwen2.5-Omni checkpoint (id or folder)."),
    output_dir: Path | None = typer.Option(
        None, "--output-dir", help="Where checkpoints and the adapter go."
    ),
) -> None:
    """Direct preference optimisation with a LoRA adapter; trailing key=value pairs override the recipe."""
    from carellm.train.config import DPORecipe, load_recipe
    from carellm.train.dpo import run_dpo

    config = load_recipe(DPORecipe, recipe, _overrides(data, eval_data, model, output_dir, list(ctx.args)))
    result = run_dpo(config)
    console.print(
        f"Trained {result.steps} steps: DPO loss {result.train_loss:.4f}. Saved to {result.output_dir}."
    )


@app.command("merge")
def merge(
    adapter: Path = typer.Option(
        ..., "--adapter", help="A `carellm train` output folder (adapter or full thinker)."
    ),
    out: Path = typer.Option(..., "--out", help="A new folder for the complete Qwen2.5-Omni checkpoint."),
    base: str | None = typer.Option(
        None, "--base", help="The base checkpoint (default: the one trained from)."
    ),
) -> None:
    """Merge the tuned thinker with the base talker and token2wav into one checkpoint that speaks."""
    from carellm.train.merge import merge as merge_checkpoint

    written = merge_checkpoint(adapter, out, base)
    console.print(f"Wrote {written}: chat with it with `carellm chat --model {written}`.")


@app.command("estimate", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def estimate(
    ctx: typer.Context,
    recipe: Path = typer.Option(..., "--recipe", help="A recipe: recipes/*.yaml."),
    model: str | None = typer.Option(None, "--model", help="A Qwen2.5-Omni checkpoint (its config is read)."),
    gpus: int = typer.Option(
        1, "--gpus", min=1, help="GPUs of one machine (ZeRO-3 shards a full run over them)."
    ),
) -> None:
    """GPU memory the recipe needs per GPU, estimated from the model's config (nothing is loaded)."""
    from carellm.backends.loading import resolve_model
    from carellm.train.config import DPORecipe, SFTRecipe, load_recipe, read_recipe_file
    from carellm.train.memory import advice, estimate, meta_thinker

    overrides = {"deepspeed": None, "bf16": False, **_overrides(None, None, model, None, list(ctx.args))}
    config: DPORecipe | SFTRecipe = (
        load_recipe(DPORecipe, recipe, overrides)
        if "beta" in read_recipe_file(recipe)
        else load_recipe(SFTRecipe, recipe, overrides)
    )
    model_id, local_only = resolve_model(config.model)
    e = estimate(meta_thinker(model_id, local_only), config, gpus)
    size = f"{e.parameters / 1e9:.2f} B parameters, {e.trainable / 1e6:.1f} M trained"
    parts = (
        f"weights {e.weights_gib:.1f}, gradients and optimiser {e.training_state_gib:.1f}, "
        f"activations {e.activations_gib:.1f}"
    )
    console.print(f"{recipe.name} on {gpus} GPU(s): {size}; per GPU about {e.total_gib:.1f} GiB ({parts}).")
    console.print(f"If it does not fit: {advice(config)}")


@app.command("check-speech")
def check_speech(
    base: str = typer.Option(..., "--base", help="The base Qwen2.5-Omni checkpoint (id or folder)."),
    tuned: str = typer.Option(..., "--tuned", help="The merged checkpoint (`carellm train merge --out`)."),
    data: Path | None = typer.Option(
        None, "--data", help="Conversations whose last assistant replies are spoken (default: 6 built in)."
    ),
    limit: int = typer.Option(20, "--limit", min=1, help="At most this many replies from --data."),
    voice: str = typer.Option("Chelsie", "--voice", help="Chelsie or Ethan."),
    seed: int = typer.Option(0, "--seed", help="Sampling seed (the same for both checkpoints)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object."),
) -> None:
    """Speak the same approved replies with both checkpoints: has the talker's speech drifted?"""
    import json

    from rich.table import Table

    from carellm.train import speech_check

    replies = speech_check.replies_from_file(data, limit) if data else speech_check.default_replies()
    report = speech_check.check_speech(base, tuned, replies, voice, seed)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    table = Table("reply", "base s", "tuned s", "ratio", "agreement", "first diff", "drift")
    for r in report.replies:
        table.add_row(
            r.reply[:40] + ("…" if len(r.reply) > 40 else ""),
            f"{r.base_codes / speech_check.CODES_PER_SECOND:.1f}",
            f"{r.tuned_codes / speech_check.CODES_PER_SECOND:.1f}",
            f"{r.duration_ratio:.2f}",
            f"{r.agreement:.2f}",
            "-" if r.first_difference is None else str(r.first_difference),
            "yes" if r.drifted else "",
        )
    console.print(table)
    drifted = sum(r.drifted for r in report.replies)
    console.print(
        f"Mean code agreement {report.mean_agreement:.2f}, median duration ratio "
        f"{report.median_duration_ratio:.2f}; {drifted} of {len(report.replies)} replies drifted "
        "(agreement under 0.5 or pace changed by more than half). "
        + ("Listen to them before deploying." if drifted else "")
    )
