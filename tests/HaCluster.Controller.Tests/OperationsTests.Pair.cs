using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using HaCluster.Contracts;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.TestSupport;

namespace HaCluster.Controller.Tests;

/// <summary>The simulated pair the operations tests run against.</summary>
public sealed partial class OperationsTests
{
    [GeneratedRegex(@"hacluster_primary (\S+)")]
    private static partial Regex Primary();

    /// <summary>
    /// n1 (master, 100) and n2 (backup, 80) of group web, simulated: each applies every config it is pushed and, as
    /// the real agent does, the chosen backup reports its takeover and a master that is not chosen its step-down.
    /// </summary>
    private sealed class Pair : IAsyncDisposable
    {
        private readonly Dictionary<string, string> _configs = new(StringComparer.Ordinal);
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _following = [];
        private AgentChannels? _agents;

        /// <summary>How long the chosen member takes to report its takeover (a slow one fails a drill's limit).</summary>
        public TimeSpan TakeoverDelay { get; set; }

        public SimulatedAgent N1 { get; private set; } = null!;
        public SimulatedAgent N2 { get; private set; } = null!;

        private bool _n2Gone;

        public async Task DisconnectN2Async()
        {
            _n2Gone = true;
            await N2.DisposeAsync();
        }

        public string LastConfig(string node)
        {
            lock (_configs)
            {
                return _configs[node];
            }
        }

        public static async Task<Pair> StartAsync(ControllerApp app)
        {
            var pair = new Pair { _agents = app.Agents() };
            pair.N1 = await SimulatedAgent.ConnectAsync(pair._agents, "n1", ["192.0.2.10/24"]);
            pair.N2 = await SimulatedAgent.ConnectAsync(pair._agents, "n2", ["192.0.2.11/24"]);
            using var client = app.CreateClient();
            Assert.True((await client.PostAsync("/api/v1/groups", Samples.Json(Samples.Web))).IsSuccessStatusCode);
            pair._following.Add(pair.FollowAsync(pair.N1, "192.0.2.10", VrrpState.Master));
            pair._following.Add(pair.FollowAsync(pair.N2, "192.0.2.11", VrrpState.Backup));
            await WaitAsync(async () => await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/web/status") is var status
                && status.GetProperty("masterNode").GetString() == "n1" && status.GetProperty("members")[1].GetProperty("state").GetString() == "BACKUP");
            return pair;
        }

        private async Task FollowAsync(SimulatedAgent agent, string address, VrrpState state)
        {
            await agent.SendEventsAsync(agent.Transition(Instance, VrrpState.Init, VrrpState.Backup, TransitionReason.Startup));
            if (state == VrrpState.Master)
            {
                await agent.SendEventsAsync(agent.Transition(Instance, VrrpState.Backup, VrrpState.Master));
            }

            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var config = await agent.NextConfigAsync(TimeSpan.FromMinutes(5));
                    lock (_configs)
                    {
                        _configs[agent.Node] = config.Text;
                    }

                    await agent.SendAppliedAsync(config);
                    var chosen = Primary().Match(config.Text) is { Success: true } m ? m.Groups[1].Value : null;
                    if (chosen == address && state == VrrpState.Backup)
                    {
                        await Task.Delay(TakeoverDelay, _stop.Token);
                        await agent.SendEventsAsync(agent.Transition(Instance, VrrpState.Backup, state = VrrpState.Master, TransitionReason.Switchover));
                    }
                    else if (chosen is not null && chosen != address && state == VrrpState.Master)
                    {
                        await agent.SendEventsAsync(agent.Transition(Instance, VrrpState.Master, state = VrrpState.Backup, TransitionReason.Switchover));
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or Grpc.Core.RpcException or InvalidOperationException or System.Threading.Channels.ChannelClosedException)
            {
                // The test is over, or this agent was disconnected on purpose.
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await N1.DisposeAsync();
            if (!_n2Gone)
            {
                await N2.DisposeAsync();
            }

            await Task.WhenAll(_following).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _agents?.Dispose();
            _stop.Dispose();
        }
    }
}
