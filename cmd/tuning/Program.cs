return 0; // placeholder until the tuning plugin lands
