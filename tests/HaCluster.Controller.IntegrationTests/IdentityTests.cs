using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.TestSupport;

namespace HaCluster.Controller.IntegrationTests;

/// <summary>The agents' identities over their lives: renewed on a live link, kept in files only their owner reads, or from a site's PKI.</summary>
public sealed class IdentityTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = Private | UnixFileMode.UserExecute;

    [SkippableFact]
    public async Task ShortLivedCertificates_RenewedOnTheLiveLink_NoReconnectNoTransition_AndAFailoverAfterwardsIsStored()
    {
        // One-minute certificates: renewed 40 s in, so at 60 s the first ones have expired and the links must still be the same.
        await using var cluster = await ManagedCluster.StartAsync(hosts: 2, new Dictionary<string, string> { ["Tls:AgentCertificateLifetime"] = "00:01:00" });
        var lab = cluster.Lab;
        await cluster.CreateAsync(cluster.Group("web", 27, "192.0.2.100", 100, 50));
        await cluster.WaitForMasterAsync("web", "n1");
        var first = Certificate(lab, lab["n2"]);
        var n2 = cluster.Agents["n2"];

        Assert.True(await n2.Process.WaitForOutputAsync("certificate of node n2 renewed over the link", TimeSpan.FromSeconds(60)), n2.Process.Output);
        var expired = first.NotAfter.ToUniversalTime() - DateTime.UtcNow + TimeSpan.FromSeconds(3);
        await Task.Delay(expired > TimeSpan.Zero ? expired : TimeSpan.Zero); // lets the first certificates expire on the live links
        await cluster.Agents["n1"].Process.KillAsync();
        await cluster.WaitForAsync("web: n2 master, n1 unreachable", async () =>
            await cluster.StatusAsync("web") is var s && s.GetProperty("masterNode").GetString() == "n2" && s.GetProperty("health").GetString() == "unreachable");

        var renewed = Certificate(lab, lab["n2"]);
        Assert.NotEqual(first.SerialNumber, renewed.SerialNumber);
        Assert.True(renewed.NotAfter > first.NotAfter);
        Assert.Equal(Private, File.GetUnixFileMode(Path.Combine(AgentProcess.StateDir(lab, lab["n2"]), "identity.pem")));
        Assert.Contains("(session 1)", n2.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("(session 2)", n2.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("ended the stream", n2.Process.Output, StringComparison.Ordinal);
        Assert.Equal(["INIT>BACKUP:startup", "BACKUP>MASTER:master_down_timer"], cluster.LoggedTransitions("n2", "HC_web"));
        await cluster.WaitForAsync("n2's transitions stored", async () =>
            (await cluster.StoredTransitionsAsync("n2", "web")).SequenceEqual(cluster.LoggedTransitions("n2", "HC_web")));
    }

    [SkippableFact]
    public async Task FilesOnDisk_OwnerOnly_AndAKeyOthersCanRead_RefusedAtStartWithWhy()
    {
        await using var cluster = await ManagedCluster.StartAsync(hosts: 2);
        var lab = cluster.Lab;
        var n1 = lab["n1"];
        await cluster.CreateAsync(cluster.Group("web", 27, "192.0.2.100", 100, 50));
        await cluster.WaitForMasterAsync("web", "n1");
        var state = AgentProcess.StateDir(lab, n1);
        var data = cluster.Controller.DataDir;

        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(state));
        Assert.All(["identity.pem", "ca.crt", "managed.conf", "desired.pb", "journal/events.journal"], f => Assert.Equal(Private, File.GetUnixFileMode(Path.Combine(state, f))));
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(Path.Combine(state, "journal")));
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(data));
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(Path.Combine(data, "pki")));
        Assert.All(["pki/ca.key", "pki/ca.crt", "hacluster.db", "hacluster.db-wal", "hacluster.db-shm"], f => Assert.Equal(Private, File.GetUnixFileMode(Path.Combine(data, f))));
        // What `cert create --out DIR` made: the directory (new) and the admin's key, certificate and the CA.
        var credentials = Path.GetDirectoryName(cluster.Controller.AdminKeyPath)!;
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(credentials));
        Assert.All(Directory.GetFiles(credentials), f => Assert.Equal(Private, File.GetUnixFileMode(f)));

        // As ssh does with a private key others can read: refuse, and say which file and how to fix it.
        await cluster.Agents["n1"].Process.StopAsync();
        var identity = Path.Combine(state, "identity.pem");
        File.SetUnixFileMode(identity, Private | UnixFileMode.GroupRead);
        var agent = AgentProcess.StartManaged(lab, n1, cluster.Controller.AgentAddress, name: "agent-n1-open-key");
        Assert.True(await agent.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, agent.Process.ExitCode);
        Assert.Contains($"hacluster-agent: not started: permissions 0640 for '{identity}' are too open: a private key must be readable by its owner only (chmod 600 '{identity}')", agent.Process.Output, StringComparison.Ordinal);

        await cluster.Controller.StopAsync();
        var caKey = Path.Combine(data, "pki", "ca.key");
        File.SetUnixFileMode(caKey, Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var openCa = await cluster.Controller.RunCommandAsync("migrate");
        File.SetUnixFileMode(caKey, Private);
        var database = Path.Combine(data, "hacluster.db");
        File.SetUnixFileMode(database, Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var openDatabase = await cluster.Controller.RunCommandAsync("migrate");

        Assert.Equal(1, openCa.ExitCode);
        Assert.Contains($"hacluster-controller: not started: Tls:Dir: permissions 0644 for '{caKey}' are too open: the CA's private key must be readable by its owner only", openCa.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, openDatabase.ExitCode);
        Assert.Contains($"hacluster-controller: not started: Storage:DataDir: permissions 0644 for '{database}' are too open: the database must be readable by its owner only", openDatabase.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task SitePki_ControllerWithTheSitesServerCertificateAndClientCa_AgentWithCaCertKey_Connects_EnrollmentOff()
    {
        Privileges.RequireOrSkip("a controller and an agent in a network namespace", "dotnet");
        await using var lab = await NetnsLab.CreateAsync(1, withClient: false);
        var n1 = lab.Hosts[0];
        using var site = TestCa.Create("Site CA");
        var ca = site.WriteCa(Path.Combine(lab.WorkDir, "site-ca.crt"));
        var server = TestCa.Write(site.Server("localhost", "127.0.0.1"), Path.Combine(lab.WorkDir, "server"));
        var admin = TestCa.Write(site.Client("ops", Role.Admin), Path.Combine(lab.WorkDir, "ops"));
        var agentFiles = TestCa.Write(site.Client(n1.Name, Role.Agent), Path.Combine(lab.WorkDir, n1.Name));
        await using var controller = await ControllerProcess.StartAsync(lab, new Dictionary<string, string>
        {
            ["Kestrel:Certificates:Default:Path"] = server.Certificate,
            ["Kestrel:Certificates:Default:KeyPath"] = server.Key,
            ["Tls:ClientCaPath"] = ca,
        }, new AdminFiles(ca, admin.Certificate, admin.Key));

        await using var agent = AgentProcess.StartManaged(lab, n1, controller.AgentAddress, extra: ["--ca", ca, "--cert", agentFiles.Certificate, "--key", agentFiles.Key]);
        using var anonymous = controller.Channel(null);
        var getCa = await Assert.ThrowsAsync<RpcException>(() => new Enrollment.EnrollmentClient(anonymous).GetCaAsync(new GetCaRequest()).ResponseAsync);
        var token = await controller.RunCommandAsync("token", "create", "--node", "n2");

        Assert.True(await agent.Process.WaitForOutputAsync($"connected as node {n1.Name}", TimeSpan.FromSeconds(20)), agent.Process.Output);
        var node = (await controller.GetAsync<JsonElement[]>("/api/v1/nodes")).Single();
        Assert.Equal((n1.Name, true), (node.GetProperty("name").GetString(), node.GetProperty("connected").GetBoolean()));
        Assert.Equal(StatusCode.PermissionDenied, getCa.StatusCode);
        Assert.StartsWith("this controller trusts the site's PKI (Tls:ClientCaPath)", getCa.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(1, token.ExitCode);
        Assert.Contains("hacluster-controller: this controller trusts the site's PKI (Tls:ClientCaPath)", token.Stderr, StringComparison.Ordinal);
    }

    private static X509Certificate2 Certificate(NetnsLab lab, LabHost host) =>
        X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(AgentProcess.StateDir(lab, host), "identity.pem")));
}
