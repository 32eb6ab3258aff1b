"""CPsyCounE (Zhang et al., "CPsyCoun", Findings of ACL 2024; CAS-SIAT-XinHai/CPsyCoun).

45 Chinese counseling dialogues, nine topics x five. Each client turn, with everything before it,
is one item ("turn-based dialogue evaluation"), and the judge scores the reply on
Comprehensiveness 0-2, Professionalism 0-3, Authenticity 0-3 and Safety 0-1. The judge prompt, the
history format and the prompt that generated the published models' replies (--raw) are the
paper's notebook, Code/Turn_Based_Dialogue_Evaluation.ipynb, verbatim (data/prompts/cpsycoun_*.txt).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from carellm.errors import InputError
from carellm.eval.benchmarks.base import ItemScore, LoadOptions, limited
from carellm.eval.items import EvalItem, Turn
from carellm.eval.judge import Judge
from carellm.eval.parsing import parse_score_list
from carellm.eval.prompts import prompt
from carellm.eval.replies import ReplyRecord
from carellm.eval.sources import fetch_all, github_file
from carellm.safety.corpus.fetch import PinnedFile

REPO = "CAS-SIAT-XinHai/CPsyCoun"
COMMIT = "1954f2e2d01d3b0f568e1673a525a6d3d9a34c03"
# SHA-256 of each file's bytes at COMMIT (computed from the repository's blobs).
FILES = [
    ("CPsyCounE/Career/1.json", "ced00203779fda2da550e3762389753b896fef55f8b362866945e8e430c32fff"),
    ("CPsyCounE/Career/2.json", "160249b0cc34cbc46c4943537e5e8d7bb68b18403f3490d13094f45134665209"),
    ("CPsyCounE/Career/3.json", "8edd8ec87698c045d2322be882839d8a2f5abb99a77f3cb52c87235fd3583753"),
    ("CPsyCounE/Career/4.json", "ef39c858ff9c58b931609deedb9d8e9995fd2195006b631ad5cdbed8eeb28ac6"),
    ("CPsyCounE/Career/5.json", "2ec28c80d73a15cb555d2b125b026b5167ff38df89d39646e65aaecb8fb34fe8"),
    ("CPsyCounE/Education/1.json", "340c18391604ac680125e1236211f3f7f19899f00406539cb61a4f918c20805c"),
    ("CPsyCounE/Education/2.json", "1ccd6651d2fbc3a574237d410de6d0a2ed6eb37306a0b35d8ea8e22126a620ca"),
    ("CPsyCounE/Education/3.json", "02072b8551abc6715e84a7b4796570c41b8e75e20fb82e9dbe185a1b6b99ed59"),
    ("CPsyCounE/Education/4.json", "16688d33a81d3ed3e3f3e75135763e61ef43d265ab6a7db5ea947b29bd961e72"),
    ("CPsyCounE/Education/5.json", "024af2a439ac7c8487f426681d4321adbf7bfb6d847b7f16aa58db2788002b1f"),
    ("CPsyCounE/Emotion&Stress/1.json", "f5eb16189a9064ae524a0f1c874357de51a0ae1412619c89d1ca037dd9dbf43f"),
    ("CPsyCounE/Emotion&Stress/2.json", "27cc34cdb413c991f6a14c0143f6a7c9b2ccc7ff9de40a25436f4671d0469d5e"),
    ("CPsyCounE/Emotion&Stress/3.json", "ccb5bf4a2e81e78d73f8b7eb2d7fc4b2212fb8aa1a373dd2cbb9812382b650b4"),
    ("CPsyCounE/Emotion&Stress/4.json", "ff50df18d735fcfadfef1d9be216b6db93b07c9ab179861031befa20793a22be"),
    ("CPsyCounE/Emotion&Stress/5.json", "1e9f20b074299dbf968eb86323113382ba52cae1a248b87c7fc3b6a915b67084"),
    (
        "CPsyCounE/Family Relationship/1.json",
        "a57c591bfe7afb1a24a331647158990ae247dcb5e3350e9472e8c3356a564923",
    ),
    (
        "CPsyCounE/Family Relationship/2.json",
        "ef79aabe0db0047c2b1d2321aa77fdb99f85be75adccb0de242cf1023b037554",
    ),
    (
        "CPsyCounE/Family Relationship/3.json",
        "8badb83f4280b0d2dd538ae650e8ebf75dacd8c5d818ca5a5a6c0dbd57ffbb45",
    ),
    (
        "CPsyCounE/Family Relationship/4.json",
        "c29a5c16e65f943c8aa367a454ecbba72c3f32df6529bb4358547b1f09227a18",
    ),
    (
        "CPsyCounE/Family Relationship/5.json",
        "bd79c6c206e941fab9aac896b32252ada7a1b300a2d941462b2038f69d5d5f54",
    ),
    ("CPsyCounE/Love&Marriage/1.json", "28e524056a31c63fe9956db031a0679205af2f0222a9748548cb291ad666d69b"),
    ("CPsyCounE/Love&Marriage/2.json", "67ba574af9fb6f8a36b1f070f9eae3ae9121d0ad8cc01cd083676d2b8dd6d439"),
    ("CPsyCounE/Love&Marriage/3.json", "48723d146bb590bdaa34c1ac2cee668070fdffe98747c8783e4d5d5950ba18ab"),
    ("CPsyCounE/Love&Marriage/4.json", "e368e4d600e6047eb35b51300134ddc0624d7c9c39ae4545e831d3f3e7eb5593"),
    ("CPsyCounE/Love&Marriage/5.json", "00cab631f0baf61133455606c784961066ba97c7dd7fcb1907d56947ea46dba1"),
    ("CPsyCounE/Mental Disease/1.json", "6a57d4f2ae916afb6b8cff46a44f93469780d67319e177d7c5fbd3e9cdd4b49d"),
    ("CPsyCounE/Mental Disease/2.json", "bf05f8ee04caa43ee227a814e03720c08c6c4ddeb8121de3beb61113bc1a0827"),
    ("CPsyCounE/Mental Disease/3.json", "21e2e0241e6d57046e88005312d3f71c0dfe82df84579224130e0237a0a125aa"),
    ("CPsyCounE/Mental Disease/4.json", "686b59ef2210b5d255a4629511caad0a0561fcff41afaed3b09b0c24be749051"),
    ("CPsyCounE/Mental Disease/5.json", "1c810120b2964e8c25371f492c6bb6723b1d3e7995e227a195eebbbcb04553ec"),
    ("CPsyCounE/Self-growth/1.json", "769a446d08085a1162b45468a71719f4d1564f808ab8266d68c8cb8cc6fbcda7"),
    ("CPsyCounE/Self-growth/2.json", "815805c876310d14b86d9910c210ab86460979d97360c35f090ac3d9befbf097"),
    ("CPsyCounE/Self-growth/3.json", "2194b1215fae30b8f2823b3f5e1c8f40181644bbc07b528d0084f572bbec69bd"),
    ("CPsyCounE/Self-growth/4.json", "4ac155707f60cc2069e20ec62051200d65d650ef8cb81111f69b5a0fbff433ed"),
    ("CPsyCounE/Self-growth/5.json", "86dad05afb8dde99a7ee42388e3af19c4ad5f1209172ce405323fa96c23a7f3b"),
    ("CPsyCounE/Sex/1.json", "40d45fcc9ec2248e6b23de8a5658a719f75cf8fda9108004f8e89ab925f9b2c5"),
    ("CPsyCounE/Sex/2.json", "c5cf071ed28f7971f3fb6cc911353e3cb434faf7fc4753076ad18eeeac3ad79e"),
    ("CPsyCounE/Sex/3.json", "89467dabffb0b714b32ff0fed2c7e53aaaf9644a2b21494116091fedb0408a17"),
    ("CPsyCounE/Sex/4.json", "e6f70ef06de4edefc425872f2f519a95aab6741a1c67013eebc4ede9533b1856"),
    ("CPsyCounE/Sex/5.json", "7241fdd7559816804982a9385b9b7b9658173cf379320cbaec9d407a38657cd7"),
    (
        "CPsyCounE/Social Relationship/1.json",
        "ba442e00d52fff5882cfa2e5e3d56e7e07f36316648c64caec4854de37f932b8",
    ),
    (
        "CPsyCounE/Social Relationship/2.json",
        "0bf855613cf3bcff44d2ca700a419c5afb007a2af4456241ac3398006b9b0fc9",
    ),
    (
        "CPsyCounE/Social Relationship/3.json",
        "6588805745f68835b6b092d483a2acbfb451913ce63b989e6f46dc0ba82db24a",
    ),
    (
        "CPsyCounE/Social Relationship/4.json",
        "48ff12c28a2c618d99da720dcb4377775972ca72c364a9e82131c3f25ee5a33e",
    ),
    (
        "CPsyCounE/Social Relationship/5.json",
        "d3b92d226a8e67aa4f461b226a420d520cddf7b0cf7ae2ad837810a3c05c4161",
    ),
]
PINS = [github_file(REPO, COMMIT, path, sha) for path, sha in FILES]
CLIENT, COUNSELOR = "求助者：", "支持者："

METRICS = {
    "comprehensiveness": (0.0, 2.0),
    "professionalism": (0.0, 3.0),
    "authenticity": (0.0, 3.0),
    "safety": (0.0, 1.0),
}


def read_case(path: Path) -> list[str]:
    try:
        utterances = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"{path} is not a CPsyCounE case: {exc}.", "Delete it: it is downloaded again."
        ) from exc
    if not isinstance(utterances, list) or not all(isinstance(u, str) for u in utterances):
        raise InputError(f"{path} is not a CPsyCounE case (a JSON list of utterances).", "Delete it.")
    return utterances


def case_items(topic: str, case: str, utterances: list[str]) -> list[EvalItem]:
    """One item per client utterance, with the history built as the notebook builds it."""
    items: list[EvalItem] = []
    history = ""
    turns: list[Turn] = []
    for utterance in utterances:
        if CLIENT in utterance:
            history += utterance
            turns.append(Turn("user", utterance.split(CLIENT, 1)[1].strip()))
            items.append(
                EvalItem(
                    id=f"{topic}/{case}/{len(items) + 1}",
                    suite="cpsycoun",
                    lang="zh",
                    turns=tuple(turns),
                    topic=topic,
                    raw_prompt=prompt("cpsycoun_generation").format(history=history),
                    meta={"history": history},
                )
            )
        else:
            history += f" {utterance}"
            turns.append(Turn("assistant", utterance.split(COUNSELOR, 1)[-1].strip()))
    return items


class CPsyCoun:
    name = "cpsycoun"
    needs_judge = True
    metrics: ClassVar = METRICS
    anchors: ClassVar = {
        "CPsyCounX": dict(zip(METRICS, (1.39, 2.65, 2.29, 1.0), strict=True)),
        "EmoLLM (InternLM2-7B full)": dict(zip(METRICS, (1.40, 2.45, 2.24, 1.0), strict=True)),
    }
    anchor_source = "CPsyCoun (Findings of ACL 2024), turn-based evaluation, GPT-4-Turbo judge; EmoLLM README"

    def __init__(self, pins: list[PinnedFile] | None = None) -> None:
        self.pins = PINS if pins is None else pins

    def load(self, options: LoadOptions) -> tuple[list[EvalItem], dict[str, Any]]:
        paths = fetch_all(self.name, self.pins, options.cache, options.offline)
        items: list[EvalItem] = []
        for pin, path in zip(self.pins, paths, strict=True):
            _, topic, name = pin.name.split("/")
            items += case_items(topic, Path(name).stem, read_case(path))
        info = {"repo": REPO, "commit": COMMIT, "files": {pin.name: pin.sha256 for pin in self.pins}}
        return limited(items, options.limit), info

    def score(self, item: EvalItem, reply: ReplyRecord, judge: Judge | None) -> ItemScore:
        assert judge is not None
        ranges = list(METRICS.values())
        system = prompt("cpsycoun_judge").format(history=item.meta["history"])
        verdict = judge.judge(system, reply.text, lambda t: parse_score_list(t, ranges))
        scores = dict(zip(METRICS, verdict.value, strict=True)) if verdict.value is not None else {}
        return ItemScore(scores, verdict.text, verdict.error)
