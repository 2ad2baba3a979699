using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

public class DibParserTests
{
    private const string Meta = "#!meta\n\n{\"kernelInfo\":{\"defaultKernelName\":\"csharp\",\"items\":[{\"name\":\"csharp\"}]}}\n\n";

    [Fact]
    public void Cells_keep_their_kind_number_and_first_dib_line()
    {
        var nb = DibParser.Parse(Meta + "#!markdown\n\n# Title\n\ntext\n\n#!csharp\n\nvar x = 1;\n\nx + 1\n\n#!csharp\n\n\"done\"\n", "nb.dib");
        Assert.NotNull(nb.MetadataJson);
        Assert.Equal([CellKind.Markdown, CellKind.CSharp, CellKind.CSharp], nb.Cells.Select(c => c.Kind));
        Assert.Equal([1, 2, 3], nb.Cells.Select(c => c.Number));
        Assert.Equal("# Title\n\ntext", nb.Cells[0].Source);
        Assert.Equal(7, nb.Cells[0].FirstLine);
        Assert.Equal("var x = 1;\n\nx + 1", nb.Cells[1].Source);
        Assert.Equal(13, nb.Cells[1].FirstLine);
        Assert.Equal(15, nb.Cells[1].DibLine(3)); // "x + 1"
        Assert.Equal(19, nb.Cells[2].FirstLine);
    }

    [Fact]
    public void Crlf_files_and_aliases_parse_like_lf_files()
    {
        var nb = DibParser.Parse("#!md\r\n\r\n# T\r\n\r\n#!c#\r\n\r\n1 + 1\r\n", "nb.dib");
        Assert.Equal([CellKind.Markdown, CellKind.CSharp], nb.Cells.Select(c => c.Kind));
        Assert.Equal("1 + 1", nb.Cells[1].Source);
        Assert.Equal(7, nb.Cells[1].FirstLine);
    }

    [Fact]
    public void Text_before_the_first_kernel_line_is_a_cell_of_the_default_kernel()
    {
        var nb = DibParser.Parse("var a = 1;\n\n#!markdown\n\nhi\n", "nb.dib");
        Assert.Equal([CellKind.CSharp, CellKind.Markdown], nb.Cells.Select(c => c.Kind));
        Assert.Equal(1, nb.Cells[0].FirstLine);
        Assert.Empty(DibParser.Parse("", "empty.dib").Cells);
    }

    [Theory]
    [InlineData("#!fsharp", "kernel '#!fsharp'")]
    [InlineData("#!pwsh", "kernel '#!pwsh'")]
    public void Cells_of_other_kernels_are_errors_naming_cell_and_line(string kernel, string expected)
    {
        var e = Assert.Throws<NotebookFormatException>(() =>
            DibParser.Parse($"#!csharp\n\n1\n\n{kernel}\n\nlet x = 1\n", "notebooks/x.dib"));
        Assert.Equal(2, e.Cell);
        Assert.Equal(5, e.Line);
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("notebooks/x.dib: cell 2, line 5:", e.Message);
    }

    [Theory]
    [InlineData("#!time", "magic command '#!time'")]
    [InlineData("#!set --name x --value 1", "magic command '#!set'")]
    [InlineData("#r \"nuget: Newtonsoft.Json, 13.0.1\"", "nuget:")]
    [InlineData("#i \"nuget: https://example.org/v3/index.json\"", "'#i'")]
    public void Unsupported_magics_are_errors_naming_cell_and_line(string magic, string expected)
    {
        var e = Assert.Throws<NotebookFormatException>(() =>
            DibParser.Parse($"#!markdown\n\n# T\n\n#!csharp\n\nvar a = 1;\n{magic}\nvar b = 2;\n", "notebooks/x.dib"));
        Assert.Equal(2, e.Cell);
        Assert.Equal(8, e.Line);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_magic_like_line_in_markdown_is_just_text()
    {
        var nb = DibParser.Parse("#!markdown\n\n#!time is a Polyglot magic\n", "nb.dib");
        Assert.Contains("#!time", Assert.Single(nb.Cells).Source);
    }

    [Fact]
    public void Meta_must_come_first_and_be_json()
    {
        var late = Assert.Throws<NotebookFormatException>(() => DibParser.Parse("#!csharp\n\n1\n\n#!meta\n\n{}\n", "x.dib"));
        Assert.Equal(5, late.Line);
        var broken = Assert.Throws<NotebookFormatException>(() => DibParser.Parse("#!meta\n\n{\"kernelInfo\": \n\n#!csharp\n\n1\n", "x.dib"));
        Assert.Contains("not valid JSON", broken.Message);
        var fsharp = Assert.Throws<NotebookFormatException>(() =>
            DibParser.Parse("#!meta\n\n{\"kernelInfo\":{\"defaultKernelName\":\"fsharp\"}}\n", "x.dib"));
        Assert.Contains("default kernel is 'fsharp'", fsharp.Message);
    }

    [Fact]
    public void Every_notebook_in_the_workbook_parses()
    {
        var dir = Path.Combine(WorkbookPaths.Root(AppContext.BaseDirectory), "notebooks");
        var files = Directory.GetFiles(dir, "*.dib");
        Assert.NotEmpty(files);
        foreach (var f in files)
        {
            var nb = DibParser.Load(f);
            var first = nb.Cells.First(c => c.Kind == CellKind.CSharp);
            Assert.Equal("#r \"../lib/bin/Workbook.Lib.dll\"", first.Lines[0]);
        }
    }
}
