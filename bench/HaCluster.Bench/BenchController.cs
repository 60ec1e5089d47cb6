using System.Globalization;
using HaCluster.TestSupport;

namespace HaCluster.Bench;

/// <summary>The controller process under load: REST and gRPC (h2c) on loopback, PostgreSQL behind it.</summary>
internal sealed class BenchController : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;

    private BenchController(System.Diagnostics.Process process, Uri web, Uri grpc)
    {
        (_process, Grpc) = (process, grpc);
        Http = new HttpClient { BaseAddress = web, Timeout = TimeSpan.FromMinutes(2) };
    }

    public HttpClient Http { get; }

    public Uri Grpc { get; }

    public static async Task<BenchController> StartAsync(string connectionString)
    {
        var web = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var grpc = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var info = Cmd.StartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "hacluster-controller.dll")]);
        info.Environment["ConnectionStrings__HaCluster"] = connectionString;
        info.Environment["Kestrel__Endpoints__Web__Url"] = web.ToString().TrimEnd('/');
        info.Environment["Kestrel__Endpoints__Grpc__Url"] = grpc.ToString().TrimEnd('/');
        info.Environment["Kestrel__Endpoints__Grpc__Protocols"] = "Http2";
        // A thousand connects would be a thousand log lines: keep the log to warnings for the load.
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("cannot start the controller");
        process.StandardInput.Close();
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var controller = new BenchController(process, web, grpc);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await controller.Http.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return controller;
                }
            }
            catch (HttpRequestException) when (!process.HasExited && DateTime.UtcNow < deadline)
            {
            }

            await Task.Delay(200);
        }
    }

    /// <summary>VmRSS of the controller process, KiB.</summary>
    public long RssKiB()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>CPU time the controller process has used so far (user + system).</summary>
    public TimeSpan CpuTime()
    {
        var fields = File.ReadAllText($"/proc/{_process.Id}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Cmd.KillTree(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
