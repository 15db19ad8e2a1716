"""Numbers of each trade-off, computed from the design that cites it (DOMAIN.md section 6).

One function per trade-off of the library (tradeoffs.py names it in its entry). Each returns
`Estimate` rows (formula, inputs, result) from the design's own numbers, and only the rows
whose inputs the design states; a constant a formula needs and a spec cannot give is an
input labelled "(assumed)". An option's check (`Check`) says why picking it contradicts its
"pick when" at the design's scale. The functions live by topic in the modules of this package.
"""

from .base import Check, Numbers
from .labels import (
    calibration,
    class_imbalance,
    label_sources,
    operating_point,
    shift_detection,
    time_split,
)
from .llm import (
    llm_customisation,
    model_routing,
    workflow_vs_agent,
)
from .pipelines import (
    batch_vs_online,
    feature_store,
    lambda_vs_kappa,
    offline_vs_online_features,
    online_vs_periodic,
    parallel_training,
    real_time_vs_micro_batch,
)
from .retrieval import (
    ann_vs_exact,
    compression_needed,
    embedding_dimension,
    exact_fits_budget,
    funnel,
    hnsw_fits_memory,
    ltr_losses,
    mf_vs_two_tower,
    negative_sampling,
    sharding,
    two_tower_vs_cross,
    vector_precision,
)
from .serving import (
    ab_sample,
    caching,
    cloud_vs_device,
    compression,
    explore_exploit,
    fusion,
    gpu_vs_cpu,
    multi_task,
    shadow_ab_canary,
)

__all__ = [
    "Check",
    "Numbers",
    "ab_sample",
    "ann_vs_exact",
    "batch_vs_online",
    "caching",
    "calibration",
    "class_imbalance",
    "cloud_vs_device",
    "compression",
    "compression_needed",
    "embedding_dimension",
    "exact_fits_budget",
    "explore_exploit",
    "feature_store",
    "funnel",
    "fusion",
    "gpu_vs_cpu",
    "hnsw_fits_memory",
    "label_sources",
    "lambda_vs_kappa",
    "llm_customisation",
    "ltr_losses",
    "mf_vs_two_tower",
    "model_routing",
    "multi_task",
    "negative_sampling",
    "offline_vs_online_features",
    "online_vs_periodic",
    "operating_point",
    "parallel_training",
    "real_time_vs_micro_batch",
    "shadow_ab_canary",
    "sharding",
    "shift_detection",
    "time_split",
    "two_tower_vs_cross",
    "vector_precision",
    "workflow_vs_agent",
]
