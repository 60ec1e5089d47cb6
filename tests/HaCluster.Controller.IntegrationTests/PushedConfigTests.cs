using System.Threading.Channels;
using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HaCluster.Controller.IntegrationTests;

/// <summary>
/// Whoever answers as the controller — one that was compromised, or a machine that took its address — can only move
/// addresses: the real agent refuses a pushed config with a script, a notify command or an include, says why, and
/// keeps running what it ran. The impostor here holds a certificate the agent trusts (a site PKI the test made).
/// </summary>
public sealed class PushedConfigTests
{
    [SkippableFact]
    public async Task PushWithVrrpScriptNotifyOrInclude_RefusedWhole_ReasonSentBack_InstanceRunsOnUnchanged()
    {
        Privileges.RequireOrSkip("an agent in a network namespace", "dotnet");
        await using var lab = await NetnsLab.CreateAsync(1, withClient: false);
        var n1 = lab.Hosts[0];
        using var ca = TestCa.Create("Site CA");
        var caPath = ca.WriteCa(Path.Combine(lab.WorkDir, "site-ca.crt"));
        var (certificate, key) = TestCa.Write(ca.Client(n1.Name, Role.Agent), Path.Combine(lab.WorkDir, "n1"));
        await using var rogue = await RogueController.StartAsync(Path.Combine(lab.WorkDir, "rogue.sock"), ca.Server("localhost"));
        var marker = Path.Combine(lab.WorkDir, "pwned");
        var group = new VipGroup("web", 27, NetnsLab.HostInterface, 2, 1, "1111", true, 0,
            [new Vip("192.0.2.100/32", NetnsLab.HostInterface, $"{NetnsLab.HostInterface}:27")],
            [new Member(n1.Name, n1.Address.ToString(), 100), new Member("n2", "192.0.2.11", 50)]);
        var valid = GroupRenderer.RenderMember(group, 1, n1.Name);

        await using var agent = AgentProcess.StartManaged(lab, n1, "unix:" + rogue.Socket, extra: ["--ca", caPath, "--cert", certificate, "--key", key]);
        Assert.Equal(n1.Name, (await rogue.HelloAsync()).Node);
        var accepted = await rogue.PushAsync(valid.Text);
        Assert.True(accepted.Accepted, string.Join("\n", accepted.Errors));
        Assert.True(await agent.WaitForStateAsync("MASTER", TimeSpan.FromSeconds(15), instance: "HC_web"), agent.Process.Output);
        var transitions = agent.Transitions("HC_web");

        var script = await rogue.PushAsync(valid.Text + $"\nvrrp_script chk {{\n    script \"/bin/touch {marker}\"\n    interval 1\n}}\n");
        var notify = await rogue.PushAsync(valid.Text.Replace("    virtual_ipaddress {", $"    notify_master \"/bin/touch {marker}\"\n    virtual_ipaddress {{", StringComparison.Ordinal));
        var include = await rogue.PushAsync("include /etc/keepalived/*.conf\n" + valid.Text);

        Assert.False(script.Accepted);
        Assert.Contains(script.Errors, e => e.Contains("managed.conf:", StringComparison.Ordinal) && e.Contains("'vrrp_script' is not accepted from a controller", StringComparison.Ordinal));
        Assert.False(notify.Accepted);
        Assert.Contains(notify.Errors, e => e.Contains("'notify_master' is not accepted from a controller", StringComparison.Ordinal));
        Assert.False(include.Accepted);
        Assert.Contains(include.Errors, e => e.Contains("'include' is not accepted from a controller", StringComparison.Ordinal));
        // What it runs is what it ran: the same config, no transition, no script.
        Assert.All([script, notify, include], a => Assert.Equal(valid.Hash, a.Running.Hash));
        await Task.Delay(TimeSpan.FromSeconds(2)); // gives a notify or tracking script, had one been taken, time to run
        Assert.Equal(transitions, agent.Transitions("HC_web"));
        Assert.False(File.Exists(marker));
        Assert.Contains("192.0.2.100/32", (await lab.ExecAsync(n1, "ip", "-4", "addr", "show", "dev", NetnsLab.HostInterface)).Stdout, StringComparison.Ordinal);
    }

    /// <summary>A gRPC AgentLink that pushes what the test tells it to and reports what the agent answers.</summary>
    private sealed class RogueController : AgentLink.AgentLinkBase, IAsyncDisposable
    {
        private readonly TaskCompletionSource<Hello> _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Channel<DesiredConfig> _pushes = Channel.CreateUnbounded<DesiredConfig>();
        private readonly Channel<ConfigApplied> _applied = Channel.CreateUnbounded<ConfigApplied>();
        private WebApplication? _app;

        public string Socket { get; private init; } = "";

        public static async Task<RogueController> StartAsync(string socket, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
        {
            var rogue = new RogueController { Socket = socket };
            var builder = WebApplication.CreateSlimBuilder();
            // Not the controller's appsettings.json next to the tests: this server has the one listener below.
            builder.Configuration.Sources.Clear();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(socket, l =>
            {
                l.Protocols = HttpProtocols.Http2;
                l.UseHttps(certificate);
            }));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(rogue);
            rogue._app = builder.Build();
            rogue._app.MapGrpcService<RogueController>();
            await rogue._app.StartAsync();
            return rogue;
        }

        public Task<Hello> HelloAsync() => _hello.Task.WaitAsync(TimeSpan.FromSeconds(20));

        /// <summary>Pushes <paramref name="text"/> and returns the agent's answer to it.</summary>
        public async Task<ConfigApplied> PushAsync(string text)
        {
            var config = new DesiredConfig { Text = text, Hash = GroupRenderer.Hash(text) };
            config.Groups.Add(new GroupRevision { Group = "web", Revision = 1 });
            await _pushes.Writer.WriteAsync(config);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                var applied = await _applied.Reader.ReadAsync(timeout.Token);
                if (applied.DesiredHash == config.Hash)
                    return applied;
            }
        }

        public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<ControllerMessage> responseStream, ServerCallContext context)
        {
            // The service instance gRPC creates per call hands over to the one the test holds.
            var rogue = context.GetHttpContext().RequestServices.GetRequiredService<RogueController>();
            var ct = context.CancellationToken;
            if (!await requestStream.MoveNext(ct))
                return;
            rogue._hello.TrySetResult(requestStream.Current.Hello);
            var writer = Task.Run(async () =>
            {
                await foreach (var config in rogue._pushes.Reader.ReadAllAsync(ct))
                    await responseStream.WriteAsync(new ControllerMessage { Config = config }, ct);
            }, ct);
            while (await requestStream.MoveNext(ct))
            {
                if (requestStream.Current.Applied is { } applied)
                    rogue._applied.Writer.TryWrite(applied);
            }

            await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.StopAsync();
                await _app.DisposeAsync();
            }
        }
    }
}
