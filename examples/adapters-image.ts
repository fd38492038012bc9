import { DummyLM, Image, Predict, configure } from 'dspex';

/** An image input: the adapter sends it to the model as an image content part beside the text. */
export async function main(): Promise<void> {
  const lm = new DummyLM([{ caption: 'A cat asleep on a windowsill.' }]);
  configure({ lm });

  const describe = new Predict('photo: Image, style -> caption');
  const photo = Image.fromUrl('https://example.com/cat.png'); // or: await Image.fromFile('cat.png')
  const result = await describe.forward({ photo, style: 'one sentence' });
  console.log(result.caption); // A cat asleep on a windowsill.

  // The user message goes out as parts: text, the image, text.
  const request = lm.history[0].messages[1];
  console.log(request.parts?.map((part) => part.type)); // [ 'text', 'image_url', 'text' ]
  console.log(request.content.split('\n\n')[0]); // the text, with the image shown as <image_url: …>
}

if (require.main === module) void main();
