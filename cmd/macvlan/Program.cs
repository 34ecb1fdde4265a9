return 0; // placeholder until the macvlan plugin lands
