package wrapper_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/gleap-community/gleap-go/wrapper"
)

func ExampleDoc() {
	comment, err := wrapper.Doc(
		wrapper.Paragraph(wrapper.Text("Hi "), wrapper.Mention("64f1c2d3e4a5b6c7d8e9f001", "Ann"), wrapper.Text(", the fix is "), wrapper.Bold("live")),
		wrapper.BulletList(
			wrapper.Item(wrapper.Text("Invoices load in 2 s")),
			wrapper.Item(wrapper.Text("Details: "), wrapper.Link("release notes", "https://docs.gleap.io/notes")),
		),
	).JSON()
	if err != nil {
		log.Fatal(err)
	}
	req := wrapper.CreateMessageRequest{Ticket: wrapper.Ptr("6752e9a8b7c6d5e4f3a21098"), Comment: comment}
	fmt.Println(wrapper.PlainText(req.Comment))
	// Output:
	// Hi @Ann, the fix is live
	// - Invoices load in 2 s
	// - Details: release notes (https://docs.gleap.io/notes)
}

func ExampleDocument_JSON() {
	_, err := wrapper.Doc(wrapper.Paragraph(wrapper.Link("click", "javascript:alert(1)"))).JSON()
	var invalid *wrapper.ValidationError
	if errors.As(err, &invalid) {
		fmt.Println(invalid.Field)
		fmt.Println(invalid.Problem)
	}
	// Output:
	// content[0].content[0].marks[0].attrs.href
	// must be an absolute http, https or mailto URL of at most 2048 bytes, without spaces or control characters
}

func ExampleParagraph() {
	comment, err := wrapper.Doc(wrapper.Paragraph(wrapper.Text("Hello")), wrapper.Paragraph()).JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(comment))
	// Output: {"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hello"}]},{"type":"paragraph"}]}
}

func ExampleHeading() {
	comment, err := wrapper.Doc(wrapper.Heading(2, wrapper.Text("Release notes"))).JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(comment))
	// Output: {"type":"doc","content":[{"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Release notes"}]}]}
}

func ExampleBulletList() {
	comment, err := wrapper.Doc(wrapper.BulletList(wrapper.Item(wrapper.Text("one")), wrapper.Item(wrapper.Text("two")))).JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(wrapper.PlainText(comment))
	// Output:
	// - one
	// - two
}

func ExampleOrderedList() {
	comment, err := wrapper.Doc(wrapper.OrderedList(wrapper.Item(wrapper.Text("Update")), wrapper.Item(wrapper.Text("Restart")))).JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(wrapper.PlainText(comment))
	// Output:
	// 1. Update
	// 2. Restart
}

func ExampleItem() {
	comment, err := wrapper.Doc(wrapper.BulletList(wrapper.Item(wrapper.Bold("Exports"), wrapper.Text(" are zipped")))).JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(comment))
	// Output: {"type":"doc","content":[{"type":"bulletList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"Exports","marks":[{"type":"bold"}]},{"type":"text","text":" are zipped"}]}]}]}]}
}

func ExampleImage() {
	comment, err := wrapper.Doc(wrapper.Image("https://example.com/chart.png", "Load times")).JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(comment))
	// Output: {"type":"doc","content":[{"type":"image","attrs":{"alt":"Load times","src":"https://example.com/chart.png"}}]}
}

func ExampleText() {
	comment, err := wrapper.Doc(wrapper.Paragraph(wrapper.Text("a < b & c"))).JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(comment))
	// Output: {"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"a < b & c"}]}]}
}

func ExampleBold() {
	comment, err := wrapper.Doc(wrapper.Paragraph(wrapper.Bold("Done"))).JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(comment))
	// Output: {"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Done","marks":[{"type":"bold"}]}]}]}
}

func ExampleItalic() {
	comment, err := wrapper.Doc(wrapper.Paragraph(wrapper.Italic("soon"))).JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(comment))
	// Output: {"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"soon","marks":[{"type":"italic"}]}]}]}
}

func ExampleCode() {
	comment, err := wrapper.Doc(wrapper.Paragraph(wrapper.Text("Run "), wrapper.Code("gleap version"))).JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(comment))
	// Output: {"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Run "},{"type":"text","text":"gleap version","marks":[{"type":"code"}]}]}]}
}

func ExampleLink() {
	comment, err := wrapper.Doc(wrapper.Paragraph(wrapper.Link("the docs", "https://docs.gleap.io"))).JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(comment))
	// Output: {"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"the docs","marks":[{"type":"link","attrs":{"href":"https://docs.gleap.io"}}]}]}]}
}

func ExampleSpan_Bold() {
	comment, err := wrapper.Doc(wrapper.Paragraph(wrapper.Link("pricing", "https://gleap.io/pricing").Bold())).JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(comment))
	// Output: {"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"pricing","marks":[{"type":"link","attrs":{"href":"https://gleap.io/pricing"}},{"type":"bold"}]}]}]}
}

func ExampleSpan_Italic() {
	comment, err := wrapper.Doc(wrapper.Paragraph(wrapper.Bold("very").Italic())).JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(comment))
	// Output: {"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"very","marks":[{"type":"bold"},{"type":"italic"}]}]}]}
}

func ExampleSpan_Code() {
	_, err := wrapper.Doc(wrapper.Paragraph(wrapper.Bold("x").Code())).JSON()
	fmt.Println(err)
	// Output: gleap: invalid content[0].content[0].marks: code cannot have another mark: Gleap's editor (TipTap) keeps code text apart
}

func ExampleMention() {
	comment, err := wrapper.Doc(wrapper.Paragraph(wrapper.Mention("64f1c2d3e4a5b6c7d8e9f001", "Ann"), wrapper.Text(", over to you"))).JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(comment))
	// Output: {"type":"doc","content":[{"type":"paragraph","content":[{"type":"mention","attrs":{"id":"64f1c2d3e4a5b6c7d8e9f001","label":"Ann"}},{"type":"text","text":", over to you"}]}]}
}

func ExampleHardBreak() {
	comment, err := wrapper.Doc(wrapper.Paragraph(wrapper.Text("Ann Lee"), wrapper.HardBreak(), wrapper.Text("Support"))).JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(wrapper.PlainText(comment))
	// Output:
	// Ann Lee
	// Support
}

func ExamplePlainText() {
	stored := []byte(`{"type":"doc","content":[` +
		`{"type":"paragraph","content":[{"type":"text","text":"Hi "},{"type":"mention","attrs":{"id":"u1","label":"Ann"}},{"type":"text","text":", see "},` +
		`{"type":"text","text":"the docs","marks":[{"type":"link","attrs":{"href":"https://docs.gleap.io"}}]}]},` +
		`{"type":"orderedList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"Update"}]}]}]},` +
		`{"type":"image","attrs":{"src":"https://example.com/chart.png","alt":"Load times"}}]}`)
	fmt.Println(wrapper.PlainText(stored))
	fmt.Println(wrapper.PlainText([]byte(`"A comment stored as a string"`)))
	// Output:
	// Hi @Ann, see the docs (https://docs.gleap.io)
	// 1. Update
	// Load times
	// A comment stored as a string
}
