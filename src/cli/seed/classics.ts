import { demoStock } from './stock.js';
import type { BookInput } from '../../domain/book.js';

/**
 * Real public-domain books with the ISBN-13 of a real edition (mostly Penguin Classics), so a demo
 * search for "austen" or "sherlock" finds books people recognize. Every ISBN is checked by the unit
 * tests. Years are first publication; the Homeric epics get a conventional date.
 */
const SHELF: ReadonlyArray<[isbn: string, title: string, author: string, category: string, year: number, price: number, rating: number, description: string]> = [
  ['9780141439518', 'Pride and Prejudice', 'Jane Austen', 'Romance', 1813, 899, 4.7,
    'When the wealthy Mr. Darcy snubs Elizabeth Bennet at a country ball, first impressions harden into prejudice on both sides. Austen\'s sparkling comedy of manners follows the Bennet sisters through courtship, gossip and family embarrassment. It remains one of the most beloved novels in the English language.'],
  ['9780142437247', 'Moby-Dick', 'Herman Melville', 'Fiction', 1851, 1299, 4.1,
    'Ishmael signs on to the whaler Pequod, only to discover that Captain Ahab has one purpose: revenge on the white whale that took his leg. Part sea adventure, part philosophical epic, the voyage becomes a meditation on obsession and the limits of knowledge.'],
  ['9780141439471', 'Frankenstein', 'Mary Shelley', 'Science Fiction', 1818, 799, 4.3,
    'Victor Frankenstein, a young scientist consumed by ambition, gives life to a creature assembled from the dead and then abandons it. Shunned by everyone it meets, the creature turns on its maker. Often called the first science fiction novel, it asks what we owe to what we create.'],
  ['9780140437713', 'The Adventures of Sherlock Holmes', 'Arthur Conan Doyle', 'Mystery', 1892, 999, 4.6,
    'Twelve cases from 221B Baker Street, including A Scandal in Bohemia, The Red-Headed League and The Speckled Band. Dr. Watson chronicles the cool deductions of the world\'s most famous consulting detective. These stories set the pattern for a century of crime fiction.'],
  ['9780141439846', 'Dracula', 'Bram Stoker', 'Horror', 1897, 899, 4.2,
    'Jonathan Harker travels to Transylvania to help a mysterious count buy property in England and finds himself a prisoner in a castle of horrors. Told through diaries, letters and newspaper clippings, the novel follows a small band who hunt the vampire across two countries.'],
  ['9780141439761', 'Alice\'s Adventures in Wonderland', 'Lewis Carroll', 'Children', 1865, 699, 4.4,
    'Alice follows a white rabbit down a hole and into a world of shrinking potions, a grinning cat, a mad tea party and a queen who wants everyone beheaded. Carroll\'s playful logic and wordplay have delighted children and adults alike for more than 150 years.'],
  ['9781400079988', 'War and Peace', 'Leo Tolstoy', 'Fiction', 1869, 2199, 4.5,
    'Five aristocratic families live through Napoleon\'s invasion of Russia, from glittering salons to the battlefield of Borodino and the burning of Moscow. Tolstoy weaves love, war and philosophy into a vast portrait of a society in upheaval.'],
  ['9780140268867', 'The Odyssey', 'Homer', 'Poetry', -700, 1299, 4.3,
    'After ten years of war at Troy, Odysseus spends ten more trying to get home, outwitting a cyclops, resisting the sirens and surviving the wrath of a god. Meanwhile his wife Penelope holds off a houseful of suitors. The epic poem is the founding story of Western literature.'],
  ['9780141441146', 'Jane Eyre', 'Charlotte Brontë', 'Romance', 1847, 899, 4.4,
    'Orphaned and mistreated as a child, Jane Eyre becomes governess at Thornfield Hall and falls in love with its brooding master, Mr. Rochester. But Thornfield hides a secret. Brontë\'s heroine insists on her own dignity in a world that offers her little.'],
  ['9780141439556', 'Wuthering Heights', 'Emily Brontë', 'Fiction', 1847, 799, 4.0,
    'On the wild Yorkshire moors, the foundling Heathcliff and Catherine Earnshaw share a love so fierce it destroys two families. Told by a housekeeper to a curious tenant, this dark and passionate novel spans two generations of revenge.'],
  ['9780141439563', 'Great Expectations', 'Charles Dickens', 'Fiction', 1861, 999, 4.2,
    'The orphan Pip is raised by his sister and her blacksmith husband until a mysterious benefactor sends him to London to become a gentleman. Dickens follows Pip\'s rise, his infatuation with the cold Estella and the reckoning with where his fortune came from.'],
  ['9780141439600', 'A Tale of Two Cities', 'Charles Dickens', 'Fiction', 1859, 899, 4.1,
    'Between London and revolutionary Paris, a French aristocrat who renounced his title and a dissolute English lawyer who looks just like him are drawn into the Terror. Dickens\'s historical novel ends with one of the most famous sacrifices in fiction.'],
  ['9780141439570', 'The Picture of Dorian Gray', 'Oscar Wilde', 'Fiction', 1890, 799, 4.3,
    'A beautiful young man wishes that his portrait would age in his place, and the wish comes true. As Dorian sinks into cruelty and vice, only the hidden painting shows what he has become. Wilde\'s only novel is witty, decadent and unsettling.'],
  ['9780140449136', 'Crime and Punishment', 'Fyodor Dostoevsky', 'Fiction', 1866, 1199, 4.5,
    'Raskolnikov, a penniless former student in St. Petersburg, convinces himself that an extraordinary man may kill for a higher purpose, and murders a pawnbroker. What follows is a feverish psychological drama of guilt, pursuit and redemption.'],
  ['9780143035008', 'Anna Karenina', 'Leo Tolstoy', 'Fiction', 1878, 1499, 4.4,
    'Anna, married to a cold government official, falls for the dashing Count Vronsky and defies the society that will punish her for it. Her story is set against that of Levin, a landowner searching for meaning in work, faith and family.'],
  ['9780140449266', 'The Count of Monte Cristo', 'Alexandre Dumas', 'Thriller', 1844, 1599, 4.6,
    'Betrayed by his friends on the eve of his wedding, the young sailor Edmond Dantès is imprisoned for fourteen years in the Château d\'If. He escapes with the secret of a vast treasure and returns to Paris as the mysterious Count, determined to repay every debt.'],
  ['9780060934347', 'Don Quixote', 'Miguel de Cervantes', 'Fiction', 1605, 1899, 4.0,
    'An aging gentleman of La Mancha reads so many tales of chivalry that he renames himself Don Quixote and rides out to right the world\'s wrongs, with the practical Sancho Panza at his side. Windmills become giants in this funny and tender first modern novel.'],
  ['9780140275360', 'The Iliad', 'Homer', 'Poetry', -750, 1299, 4.1,
    'In the tenth year of the Trojan War, a quarrel between Agamemnon and Achilles sets off a chain of events that will cost both armies dearly. Homer\'s epic poem of rage, honor and grief culminates in the meeting of Achilles and the grieving King Priam.'],
  ['9780141439587', 'Emma', 'Jane Austen', 'Romance', 1815, 899, 4.2,
    'Handsome, clever and rich, Emma Woodhouse is sure she knows what is best for everyone in Highbury, especially when it comes to matchmaking. Her meddling goes comically wrong in Austen\'s sharpest portrait of self-deception.'],
  ['9780141441672', 'Heart of Darkness', 'Joseph Conrad', 'Fiction', 1899, 699, 3.8,
    'Marlow recounts his journey up the Congo River in search of Kurtz, an ivory trader who has set himself up as a god among the people he exploits. Conrad\'s short novel is an unflinching look at colonial greed and the darkness it reveals.'],
  ['9780141439976', 'The Time Machine', 'H. G. Wells', 'Science Fiction', 1895, 699, 4.0,
    'A Victorian inventor travels to the year 802,701 and finds humanity split into the gentle Eloi and the subterranean Morlocks. Wells\'s first novel coined the idea of a machine for travelling through time and still reads as a sharp social fable.'],
  ['9780141441030', 'The War of the Worlds', 'H. G. Wells', 'Science Fiction', 1898, 799, 4.1,
    'Cylinders fall from the sky onto the English countryside, and out of them climb Martians in towering tripods armed with heat rays. A narrator flees across a collapsing London in the novel that invented the alien invasion.'],
  ['9780142437179', 'Adventures of Huckleberry Finn', 'Mark Twain', 'Fiction', 1884, 899, 4.0,
    'Huck Finn fakes his own death to escape his abusive father and rafts down the Mississippi with Jim, a man fleeing slavery. Twain\'s vernacular masterpiece is a comic adventure and a searching look at conscience in a cruel society.'],
  ['9780141439549', 'Middlemarch', 'George Eliot', 'Fiction', 1871, 1199, 4.3,
    'In a provincial English town on the eve of reform, the idealistic Dorothea Brooke marries a dry scholar, and the ambitious young doctor Lydgate makes a marriage of his own. Eliot\'s panoramic novel follows a whole community\'s hopes and compromises.'],
];

export const CLASSICS: readonly BookInput[] = SHELF.map(([isbn, title, author, category, year, price, rating, description], i) => ({
  isbn,
  title,
  authors: [author],
  category,
  description,
  price,
  currency: 'USD',
  coverUrl: null,
  rating,
  year,
  // The first classic is down to its last copies, so the storefront's "only 3 left" shows from the start.
  stock: i === 0 ? 3 : demoStock(1_000_000 + i),
}));
