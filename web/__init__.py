"""chengxin: web."""
