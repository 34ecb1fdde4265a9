return 0; // placeholder until the bridge plugin lands
