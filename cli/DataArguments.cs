using System.CommandLine;

namespace Workbook.Cli;

/// <summary>
/// The CLI's one convention for data arguments: <c>--data PATH</c> names what a verb reads (a catalogue is its folder,
/// holding data.csv or data.zip and label_info.csv; a scoring file, a products file or a search-log folder is its
/// path), and what a verb writes is <c>--output</c>, <c>--model</c>, <c>--db</c> or <c>--store</c>. Earlier spellings
/// still work where they meant the same (<c>--input</c>; a catalogue's bare name under data/products/) and are refused
/// with the new form where they did not (<c>--labels</c>, a catalogue's data.csv).
/// </summary>
internal static class DataArguments
{
    /// <summary><c>--data</c> for a catalogue folder (also accepting <paramref name="oldNames"/>, e.g. --dataset).</summary>
    public static Option<string> Catalogue(string description, Func<string>? defaultValue = null, params string[] oldNames)
    {
        var option = new Option<string>("--data", oldNames) { Description = description };
        if (defaultValue is null) option.Required = true;
        else option.DefaultValueFactory = _ => defaultValue();
        return option;
    }

    /// <summary><c>--data</c> for a file or folder read as is, with <c>--input</c>, its old name, still accepted.</summary>
    public static Option<string> Input(string description, Func<string>? defaultValue = null)
    {
        var option = new Option<string>("--data", "--input") { Description = description };
        if (defaultValue is null) option.Required = true;
        else option.DefaultValueFactory = _ => defaultValue();
        return option;
    }

    /// <summary>The old <c>--labels FILE</c> of classify: hidden, and refused with the new form when given.</summary>
    public static Option<string?> RetiredLabels() => new("--labels") { Hidden = true };

    /// <summary>
    /// A catalogue folder from <c>--data</c>: a folder as given, or a bare name under data/products/ (the old
    /// --dataset/--datasets values). A file is refused with the form to use instead.
    /// </summary>
    public static string CatalogueFolder(string value, string? retiredLabels = null)
    {
        if (retiredLabels is not null || File.Exists(value))
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(value)) ?? ".";
            throw new ArgumentException(
                $"--data takes the catalogue folder holding data.csv (or data.zip) and label_info.csv, and --labels is no longer needed: use --data {folder}");
        }
        if (Directory.Exists(value)) return Path.GetFullPath(value);
        var named = WorkbookPaths.Data("products", value);
        if (!value.Contains(Path.DirectorySeparatorChar) && Directory.Exists(named)) return named;
        throw new DirectoryNotFoundException($"Catalogue folder '{value}' does not exist.");
    }
}
