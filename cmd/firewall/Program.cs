return Cni.Sdk.PluginMain.Run(new Cni.Plugins.Firewall.FirewallPlugin(), "CNI firewall plugin (C#, NativeAOT)");
