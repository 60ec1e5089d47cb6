using System.Net;
using System.Text.Json;

namespace HaCluster.Agent.Hosting;

/// <summary><c>hacluster-agent status</c>: asks the running agent's /status endpoint and prints a table (or the JSON).</summary>
public static class StatusCommand
{
    public static async Task<int> RunAsync(IPEndPoint endpoint, bool json)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        string body;
        try
        {
            body = await http.GetStringAsync(new Uri($"http://{endpoint}/status"));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"hacluster-agent: no agent answers on {endpoint} ({e.Message}); is it running, with --metrics {endpoint}?");
            return 1;
        }

        if (json)
        {
            Console.WriteLine(body);
            return 0;
        }

        var rows = JsonSerializer.Deserialize(body, StatusJson.Default.ListInstanceStatus) ?? [];
        Console.Write(InstanceStatus.Table(rows));
        return 0;
    }
}
