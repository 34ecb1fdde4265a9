return 0; // placeholder until the portmap plugin lands
