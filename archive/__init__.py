"""chengxin: archive."""
