"""chengxin: casework."""
