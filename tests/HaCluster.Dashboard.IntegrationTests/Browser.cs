using HaCluster.TestSupport;
using Microsoft.Playwright;

namespace HaCluster.Dashboard.IntegrationTests;

/// <summary>
/// Debian's Chromium driven by Playwright (no browser download: <c>ExecutablePath</c>), headless, quiet on the network.
/// Screenshots go to <c>artifacts/screenshots/</c> at the repository root.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private readonly List<IBrowserContext> _contexts = [];

    public static string ScreenshotDir { get; } = Path.Combine(Repository.Root, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            var reason = "the browser tests need Debian's chromium (apt-get install chromium)";
            if (Environment.GetEnvironmentVariable(HaCluster.TestSupport.Privileges.RequireVariable) == "1")
                throw new InvalidOperationException(reason);
            return;
        }

        Directory.CreateDirectory(ScreenshotDir);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"],
        });
    }

    /// <summary>A fresh page (its own context) at <paramref name="width"/> × <paramref name="height"/>.</summary>
    public async Task<IPage> NewPageAsync(int width = 1366, int height = 900)
    {
        Skip.If(_browser is null, "Debian's chromium is not installed");
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        lock (_contexts)
            _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return page;
    }

    /// <summary>
    /// Closes every page opened so far. A page left open keeps its Blazor circuit reconnecting to a dashboard that is
    /// gone, each one a renderer burning CPU that the following tests need.
    /// </summary>
    public async Task CloseContextsAsync()
    {
        IBrowserContext[] contexts;
        lock (_contexts)
        {
            contexts = [.. _contexts];
            _contexts.Clear();
        }

        foreach (var context in contexts)
            await context.CloseAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>A test class over the shared browser: the pages a test opened are closed when it ends.</summary>
public abstract class BrowserTest(Browser browser) : IAsyncLifetime
{
    protected Browser Browser { get; } = browser;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Browser.CloseContextsAsync();
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Browser>
{
    public const string Name = "browser";
}
