return 0; // placeholder until the firewall plugin lands
