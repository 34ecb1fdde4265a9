namespace Cni.E2E.Tests;
