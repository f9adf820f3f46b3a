"""chengxin: screening."""
