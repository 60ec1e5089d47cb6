using Microsoft.Playwright;

namespace HaCluster.Dashboard.IntegrationTests;

internal static class PageExtensions
{
    /// <summary>Loads a page and waits for the Blazor circuit (the layout marks itself interactive).</summary>
    public static async Task OpenAsync(this IPage page, Uri root, string path)
    {
        await page.GotoAsync(new Uri(root, path).ToString());
        await page.WaitForSelectorAsync("[data-interactive=true]");
    }

    /// <summary>Signs in on the sign-in page (a plain form post) and waits for the overview to be interactive.</summary>
    public static async Task SignInAsync(this IPage page, Uri root, string user, string password)
    {
        await page.GotoAsync(new Uri(root, "/signin").ToString());
        await page.GetByTestId("signin-user").FillAsync(user);
        await page.GetByTestId("signin-password").FillAsync(password);
        await page.GetByTestId("signin-submit").ClickAsync();
        try
        {
            await page.WaitForSelectorAsync("[data-interactive=true]");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"not signed in: at {page.Url}: {await page.Locator("body").InnerTextAsync()}", e);
        }
    }

    public static Task SaveScreenshotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotDir, $"{name}.png"), FullPage = true });

    /// <summary>Types into the input of a MudBlazor field found by its data-testid (replacing what is there).</summary>
    public static async Task FillFieldAsync(this IPage page, string testId, string value)
    {
        // MudBlazor puts the attribute on the <input> itself for text fields, on the wrapper for others.
        var input = page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;
        await input.FillAsync(value);
        await input.BlurAsync();
    }

    /// <summary>Opens a MudSelect by its data-testid and picks the item whose text starts with <paramref name="item"/>.</summary>
    public static async Task SelectAsync(this IPage page, string testId, string item)
    {
        await page.Locator($"[data-testid={testId}]").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new LocatorFilterOptions { HasTextString = item }).First.ClickAsync();
        // Picked once the select shows it (and its list has closed): only then may the next click go elsewhere.
        // (Interactive, MudSelect shows its value as the text of the element carrying the attribute, not in an input.)
        await Assertions.Expect(page.Locator($"[data-testid={testId}]").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex($"^\\s*{System.Text.RegularExpressions.Regex.Escape(item)}"));
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }
}
